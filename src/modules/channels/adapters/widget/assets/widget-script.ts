/**
 * The embeddable website chat, served as GET /widget.js. Plain browser JavaScript (ES2017, no framework, no build
 * step), kept in a string so it ships inside the compiled app with no asset copying. A site embeds it with
 *   <script src="https://<volna>/widget.js" data-title="Салон «Лаванда»" data-privacy-url="https://site/privacy" async>
 * Optional attributes: data-title (panel header), data-privacy-url (the consent link), data-color (accent colour).
 * It talks only to the origin (and path) it was loaded from; a site with a Content-Security-Policy must allow that
 * origin in script-src, style-src and connect-src. No template literals inside: the string is a String.raw literal.
 */
export const WIDGET_SCRIPT = String.raw`(function () {
  'use strict';

  if (window.__volnaWidget) return;
  window.__volnaWidget = true;

  var ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
  var MAX_TEXT = 4096;
  var POLL_OPEN_MS = 1500;
  var POLL_CLOSED_MS = 10000;
  var POLL_CLOSED_FOR_MS = 10 * 60 * 1000;
  var POLL_MAX_MS = 30000;
  var SEND_RETRY_MS = [1000, 2000, 4000, 8000, 15000];
  var REQUEST_TIMEOUT_MS = 10000;
  var STORAGE_PREFIX = 'volna.webchat.';

  var script = document.currentScript || findOwnScript();
  if (!script || !script.src) return;
  var apiBase = new URL('api/v1/webchat/', new URL('.', script.src)).href;
  var assetBase = new URL('.', script.src).href;
  var config = {
    title: script.getAttribute('data-title') || 'Онлайн-чат',
    privacyUrl: safeLink(script.getAttribute('data-privacy-url') || '/privacy'),
    color: script.getAttribute('data-color'),
  };

  function findOwnScript() {
    var scripts = document.getElementsByTagName('script');
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/widget\.js([?#].*)?$/.test(scripts[i].src)) return scripts[i];
    }
    return null;
  }

  function safeLink(value) {
    try {
      var url = new URL(value, location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '#';
    } catch (e) {
      return '#';
    }
  }

  // ---- storage: localStorage when the browser allows it, memory otherwise --------------------------------------
  var memory = {};
  var storage = {
    get: function (name) {
      try {
        var value = window.localStorage.getItem(STORAGE_PREFIX + name);
        if (value !== null) return value;
      } catch (e) {
        /* storage blocked: memory only */
      }
      return Object.prototype.hasOwnProperty.call(memory, name) ? memory[name] : null;
    },
    set: function (name, value) {
      memory[name] = value;
      try {
        window.localStorage.setItem(STORAGE_PREFIX + name, value);
      } catch (e) {
        /* storage blocked or full: memory only */
      }
    },
  };

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var id = '';
    for (var i = 0; i < bytes.length; i++) id += (bytes[i] + 256).toString(16).slice(1);
    return id;
  }

  var sessionId = storage.get('session');
  if (!ID_PATTERN.test(sessionId || '')) sessionId = null;

  function ensureSession() {
    if (!sessionId) {
      sessionId = randomId();
      storage.set('session', sessionId);
    }
    return sessionId;
  }

  // Messages not yet accepted by the server survive a reload and are re-sent with the same clientMessageId.
  var outbox = loadOutbox();

  function loadOutbox() {
    try {
      var items = JSON.parse(storage.get('outbox') || '[]');
      return Array.isArray(items)
        ? items.filter(function (item) {
            return item && ID_PATTERN.test(item.id) && typeof item.text === 'string' && item.text.length > 0;
          })
        : [];
    } catch (e) {
      return [];
    }
  }

  function saveOutbox() {
    storage.set(
      'outbox',
      JSON.stringify(
        outbox.map(function (item) {
          return { id: item.id, text: item.text, phone: item.phone };
        }),
      ),
    );
  }

  // ---- DOM ---------------------------------------------------------------------------------------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    for (var name in attributes || {}) {
      if (!Object.prototype.hasOwnProperty.call(attributes, name)) continue;
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    }
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function chatIcon() {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    return svg;
  }

  var host = el('div', { 'data-volna-widget': '' });
  var root = host.attachShadow({ mode: 'open' });
  var stylesheet = el('link', { rel: 'stylesheet', href: assetBase + 'widget.css' });
  var widget = el('div', { class: 'volna', hidden: '' });
  if (config.color && window.CSS && CSS.supports('color', config.color)) {
    widget.style.setProperty('--volna-accent', config.color);
  }
  stylesheet.addEventListener('load', function () {
    widget.hidden = false;
  });

  var badge = el('span', { class: 'badge', hidden: '' });
  var launcher = el(
    'button',
    { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'volna-panel' },
    [chatIcon(), el('span', { text: 'Напишите нам' }), badge],
  );

  var closeButton = el('button', { type: 'button', class: 'close', 'aria-label': 'Закрыть чат' }, [
    el('span', { text: '×', 'aria-hidden': 'true' }),
  ]);
  var header = el('div', { class: 'header' }, [
    el('h2', { id: 'volna-title', class: 'title', text: config.title }),
    closeButton,
  ]);

  var log = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Переписка' });
  var quickReplies = el('div', { class: 'quick', role: 'group', 'aria-label': 'Быстрые ответы', hidden: '' });
  var scroller = el('div', { class: 'body' }, [
    el('p', { class: 'intro', text: 'Здравствуйте! Задайте вопрос — ответим в течение пары секунд.' }),
    log,
    quickReplies,
  ]);

  var phoneInput = el('input', {
    id: 'volna-phone',
    name: 'phone',
    type: 'tel',
    autocomplete: 'tel',
    inputmode: 'tel',
    maxlength: '32',
    placeholder: '+7 900 000-00-00',
    'aria-describedby': 'volna-phone-hint',
  });
  var consentBox = el('input', { id: 'volna-consent', name: 'consent', type: 'checkbox' });
  var phoneHint = el('p', { id: 'volna-phone-hint', class: 'hint', 'aria-live': 'polite' });
  var contact = el('details', { class: 'contact' }, [
    el('summary', { text: 'Оставить телефон для связи' }),
    el('label', { for: 'volna-phone', class: 'field-label', text: 'Телефон (необязательно)' }),
    phoneInput,
    el('div', { class: 'consent' }, [
      consentBox,
      el('label', { for: 'volna-consent', text: 'Согласен(на) на обработку персональных данных' }),
    ]),
    el('a', {
      class: 'privacy',
      href: config.privacyUrl,
      target: '_blank',
      rel: 'noopener',
      text: 'Политика конфиденциальности',
    }),
    phoneHint,
  ]);

  var textInput = el('textarea', {
    id: 'volna-text',
    name: 'text',
    rows: '2',
    maxlength: String(MAX_TEXT),
    placeholder: 'Ваш вопрос…',
    enterkeyhint: 'send',
  });
  var statusLine = el('p', { class: 'status', role: 'status' });
  var form = el('form', { class: 'form', novalidate: '' }, [
    contact,
    el('div', { class: 'compose' }, [
      el('label', { for: 'volna-text', class: 'sr-only', text: 'Сообщение' }),
      textInput,
      el('button', { type: 'submit', class: 'send', text: 'Отправить' }),
    ]),
    statusLine,
  ]);

  var panel = el(
    'div',
    { id: 'volna-panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'volna-title', hidden: '' },
    [header, scroller, form],
  );
  widget.appendChild(launcher);
  widget.appendChild(panel);
  root.appendChild(stylesheet);
  root.appendChild(widget);

  // ---- rendering: the server transcript plus this browser's messages not yet in it ------------------------------
  var transcript = [];
  var cursor = null; // from the last transcript answer: the next poll asks only for what came after it
  var nodesById = {}; // server message id -> <li>
  var local = []; // { item, node, messageId } for client messages not yet seen in the transcript
  var loadedOnce = false;
  var isOpen = false;
  var quickRepliesFor = null;

  function messageNode(from, text) {
    return el('li', { class: 'msg msg--' + from }, [
      el('span', { class: 'sr-only', text: from === 'client' ? 'Вы: ' : 'Ответ: ' }),
      el('span', { class: 'text', text: text }),
      el('span', { class: 'meta', hidden: '' }),
    ]);
  }

  function setState(entry, state, note, onRetry) {
    var node = entry.node;
    var meta = node.querySelector('.meta');
    node.classList.toggle('is-pending', state === 'pending');
    node.classList.toggle('is-failed', state === 'failed');
    meta.textContent = '';
    meta.hidden = !note;
    if (note) meta.appendChild(document.createTextNode(note));
    if (onRetry) {
      var retry = el('button', { type: 'button', class: 'retry', text: 'Повторить' });
      retry.addEventListener('click', onRetry);
      meta.appendChild(document.createTextNode(' '));
      meta.appendChild(retry);
    }
  }

  function localEntry(id) {
    for (var i = 0; i < local.length; i++) if (local[i].item.id === id) return local[i];
    return null;
  }

  function addLocal(item) {
    var entry = { item: item, node: messageNode('client', item.text), messageId: null };
    local.push(entry);
    setState(entry, 'pending', 'Отправляется…');
    return entry;
  }

  function isNearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function render() {
    var stick = isNearBottom();
    var order = [];
    var newBotMessage = false;
    transcript.forEach(function (message) {
      var node = nodesById[message.id];
      if (!node) {
        node = adoptInFlight(message) || messageNode(message.from, message.text);
        nodesById[message.id] = node;
        if (message.from === 'bot') newBotMessage = true;
      }
      local = local.filter(function (entry) {
        if (entry.node !== node) return true;
        setState(entry, 'sent');
        return false;
      });
      order.push(node);
    });
    local.forEach(function (entry) {
      order.push(entry.node);
    });
    for (var i = 0; i < order.length; i++) {
      if (log.children[i] !== order[i]) log.insertBefore(order[i], log.children[i] || null);
    }
    while (log.children.length > order.length) log.removeChild(log.lastChild);
    renderQuickReplies();
    if (newBotMessage && loadedOnce && !isOpen) showBadge(true);
    if (stick || newBotMessage) scrollToEnd();
  }

  // The transcript can show a message before its POST answer arrives: reuse the node shown for it.
  function adoptInFlight(message) {
    if (message.from !== 'client' || !outbox.length) return null;
    var entry = localEntry(outbox[0].id);
    if (!entry || entry.messageId || entry.item.text !== message.text) return null;
    entry.messageId = message.id;
    return entry.node;
  }

  function renderQuickReplies() {
    var last = transcript[transcript.length - 1];
    var waiting = local.some(function (entry) {
      return !entry.rejected;
    });
    var offer = last && last.from === 'bot' && last.buttons.length > 0 && !waiting ? last : null;
    var key = offer ? offer.id : null;
    if (key === quickRepliesFor) return;
    quickRepliesFor = key;
    quickReplies.textContent = '';
    quickReplies.hidden = !offer;
    if (!offer) return;
    offer.buttons.forEach(function (label) {
      var button = el('button', { type: 'button', text: label });
      button.addEventListener('click', function () {
        if (send(label)) textInput.focus();
      });
      quickReplies.appendChild(button);
    });
  }

  function showBadge(visible) {
    badge.hidden = !visible;
    if (visible) launcher.setAttribute('aria-label', 'Напишите нам — есть новый ответ');
    else launcher.removeAttribute('aria-label');
  }

  function setStatus(text) {
    statusLine.textContent = text || '';
  }

  // ---- phone and consent ---------------------------------------------------------------------------------------
  function phoneLooksValid(phone) {
    var digits = phone.replace(/\D/g, '');
    return /^[+\d\s().-]+$/.test(phone) && digits.length >= 10 && digits.length <= 15;
  }

  function updatePhoneHint() {
    var phone = phoneInput.value.trim();
    var text = '';
    var tone = '';
    if (phone && !consentBox.checked) {
      text = 'Без согласия на обработку персональных данных телефон не отправим — только сообщение.';
      tone = 'warn';
    } else if (phone && !phoneLooksValid(phone)) {
      text = 'Проверьте номер, например: +7 913 123-45-67.';
      tone = 'error';
    } else if (phone) {
      text = 'Телефон отправим вместе с сообщением.';
    }
    phoneHint.textContent = text;
    phoneHint.className = tone ? 'hint hint--' + tone : 'hint';
    if (tone === 'error') phoneInput.setAttribute('aria-invalid', 'true');
    else phoneInput.removeAttribute('aria-invalid');
  }

  // ---- sending: one message at a time, in order; a retry reuses the clientMessageId -----------------------------
  var sending = false;
  var attempt = 0;
  var retryTimer = null;

  function send(rawText) {
    var text = rawText.trim().slice(0, MAX_TEXT);
    if (!text) return false;
    var phone = phoneInput.value.trim();
    var withPhone = phone !== '' && consentBox.checked;
    if (withPhone && !phoneLooksValid(phone)) {
      contact.open = true;
      updatePhoneHint();
      phoneInput.focus();
      return false;
    }
    ensureSession();
    var item = { id: randomId(), text: text, phone: withPhone ? phone : undefined };
    outbox.push(item);
    saveOutbox();
    addLocal(item);
    setStatus(
      phone && !withPhone
        ? 'Телефон не отправлен: нужно согласие на обработку персональных данных. Сообщение отправлено без него.'
        : '',
    );
    render();
    scrollToEnd();
    if (outbox[0].failed) resend(); // the client is trying again: so do we
    else pump();
    return true;
  }

  function pump() {
    if (sending || retryTimer || !outbox.length || outbox[0].failed) return;
    var item = outbox[0];
    sending = true;
    var body = { sessionId: sessionId, clientMessageId: item.id, text: item.text };
    if (item.phone) body.phone = item.phone;
    request('POST', apiBase + 'messages', body).then(
      function (response) {
        sending = false;
        if (response.status === 202 && response.body && typeof response.body.messageId === 'string') {
          accepted(item, response.body.messageId);
        } else if (isRetryable(response.status)) {
          retryLater(item, retryAfterMs(response.retryAfter));
        } else {
          rejected(item, response.body);
        }
      },
      function () {
        sending = false;
        retryLater(item, 0);
      },
    );
  }

  function isRetryable(status) {
    return status === 408 || status === 425 || status === 429 || status >= 500;
  }

  function retryAfterMs(header) {
    var seconds = Number(header);
    return header && isFinite(seconds) ? Math.min(seconds * 1000, POLL_MAX_MS) : 0;
  }

  function accepted(item, messageId) {
    attempt = 0;
    outbox.shift();
    saveOutbox();
    storage.set('lastSentAt', String(Date.now()));
    var entry = localEntry(item.id);
    if (entry) {
      if (nodesById[messageId] && nodesById[messageId] !== entry.node) {
        local.splice(local.indexOf(entry), 1); // the transcript already shows it
      } else {
        entry.messageId = messageId;
        nodesById[messageId] = entry.node;
        setState(entry, 'sent');
      }
    }
    if (statusLine.textContent.indexOf('Нет связи') === 0) setStatus('');
    render();
    pump();
    schedulePoll(0);
  }

  function retryLater(item, hintMs) {
    var entry = localEntry(item.id);
    if (attempt >= SEND_RETRY_MS.length) {
      attempt = 0;
      item.failed = true;
      if (entry) setState(entry, 'failed', 'Не отправлено.', resend);
      setStatus('Нет связи с сервером. Нажмите «Повторить», когда связь появится.');
      return;
    }
    var delay = Math.max(SEND_RETRY_MS[attempt], hintMs);
    attempt += 1;
    if (entry) setState(entry, 'pending', 'Нет связи, пробуем ещё раз…');
    retryTimer = setTimeout(function () {
      retryTimer = null;
      pump();
    }, delay);
  }

  function resend() {
    outbox.forEach(function (item) {
      item.failed = false;
      var entry = localEntry(item.id);
      if (entry) setState(entry, 'pending', 'Отправляется…');
    });
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    attempt = 0;
    setStatus('');
    pump();
  }

  // A refused message (4xx) stored nothing, so it may go again with the same id once the cause is fixed.
  function rejected(item, problem) {
    attempt = 0;
    outbox.shift();
    saveOutbox();
    var entry = localEntry(item.id);
    if (entry) entry.rejected = true;
    var aboutPhone = item.phone && problem && /phone/i.test(JSON.stringify(problem));
    if (entry) {
      if (aboutPhone) {
        setState(entry, 'failed', 'Не отправлено: проверьте номер телефона.', function () {
          retryRejected(entry);
        });
        contact.open = true;
      } else {
        setState(entry, 'failed', 'Сообщение не принято.');
      }
    }
    render();
    pump();
  }

  function retryRejected(entry) {
    var phone = phoneInput.value.trim();
    var withPhone = phone !== '' && consentBox.checked;
    if (withPhone && !phoneLooksValid(phone)) {
      updatePhoneHint();
      phoneInput.focus();
      return;
    }
    entry.item.phone = withPhone ? phone : undefined;
    entry.item.failed = false;
    entry.rejected = false;
    outbox.unshift(entry.item);
    saveOutbox();
    setState(entry, 'pending', 'Отправляется…');
    pump();
  }

  // ---- polling the transcript: every 1.5 s while open, rarely while closed, never while the page is hidden ------
  var pollTimer = null;
  var polling = false;
  var pollFailures = 0;
  var pollAgain = false;

  function pollDelay() {
    if (!sessionId || document.hidden) return null;
    var recentlyActive = Date.now() - Number(storage.get('lastSentAt') || 0) < POLL_CLOSED_FOR_MS;
    var base = isOpen ? POLL_OPEN_MS : recentlyActive || outbox.length ? POLL_CLOSED_MS : null;
    return base === null ? null : Math.min(POLL_MAX_MS, base * Math.pow(2, pollFailures));
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = delay === null ? null : setTimeout(poll, delay);
  }

  function poll() {
    pollTimer = null;
    if (!sessionId) return;
    if (polling) {
      pollAgain = true;
      return;
    }
    polling = true;
    var url = apiBase + 'sessions/' + encodeURIComponent(sessionId) + '/messages';
    request('GET', cursor ? url + '?since=' + encodeURIComponent(cursor) : url)
      .then(
        function (response) {
          var messages = response.status === 200 && response.body && response.body.messages;
          if (!Array.isArray(messages)) throw new Error('transcript unavailable');
          pollFailures = 0;
          if (typeof response.body.cursor === 'string') cursor = response.body.cursor;
          var known = {};
          transcript.forEach(function (message) {
            known[message.id] = true;
          });
          var fresh = messages.filter(function (message) {
            return isMessage(message) && !known[message.id];
          });
          transcript = transcript.concat(
            fresh.map(function (message) {
              return {
                id: message.id,
                from: message.from,
                text: message.text,
                buttons: Array.isArray(message.buttons)
                  ? message.buttons.filter(function (label) {
                      return typeof label === 'string' && label.length > 0;
                    })
                  : [],
              };
            }),
          );
          render();
          loadedOnce = true;
        },
        function () {
          pollFailures += 1;
        },
      )
      .catch(function () {
        pollFailures += 1;
      })
      .then(function () {
        polling = false;
        var delay = pollDelay();
        if (!pollTimer) schedulePoll(pollAgain && delay !== null ? 0 : delay);
        pollAgain = false;
      });
  }

  function isMessage(message) {
    return (
      message &&
      typeof message.id === 'string' &&
      (message.from === 'client' || message.from === 'bot') &&
      typeof message.text === 'string'
    );
  }

  function request(method, url, body) {
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, REQUEST_TIMEOUT_MS)
      : null;
    return fetch(url, {
      method: method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      signal: controller ? controller.signal : undefined,
    })
      .then(function (response) {
        return response.text().then(function (text) {
          var parsed = null;
          try {
            parsed = JSON.parse(text);
          } catch (e) {
            /* not JSON */
          }
          return { status: response.status, body: parsed, retryAfter: response.headers.get('Retry-After') };
        });
      })
      .then(
        function (result) {
          clearTimeout(timer);
          return result;
        },
        function (error) {
          clearTimeout(timer);
          throw error;
        },
      );
  }

  // ---- open, close, events ---------------------------------------------------------------------------------------
  function open() {
    isOpen = true;
    panel.hidden = false;
    widget.classList.add('is-open');
    launcher.setAttribute('aria-expanded', 'true');
    showBadge(false);
    render();
    scrollToEnd();
    textInput.focus();
    schedulePoll(sessionId ? 0 : null);
  }

  function close() {
    isOpen = false;
    panel.hidden = true;
    widget.classList.remove('is-open');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
    schedulePoll(pollDelay());
  }

  launcher.addEventListener('click', open);
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') close();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (send(textInput.value)) textInput.value = '';
    textInput.focus();
  });
  textInput.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  phoneInput.addEventListener('input', updatePhoneHint);
  consentBox.addEventListener('change', updatePhoneHint);
  document.addEventListener('visibilitychange', function () {
    schedulePoll(pollDelay() === null ? null : 0);
  });
  window.addEventListener('online', function () {
    if (outbox.length) resend();
  });

  function mount() {
    document.body.appendChild(host);
    outbox.forEach(addLocal);
    render();
    if (sessionId) schedulePoll(0);
    pump();
  }

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
`;
