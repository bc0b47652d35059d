import { accessSync, constants } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE_SCREEN = { width: 360, height: 640 };
const REPLY_TIMEOUT_MS = 10_000;

interface TranscriptMessage {
  id: string;
  from: 'client' | 'bot';
  text: string;
  buttons?: string[];
}

/** Debian's chromium, never a downloaded browser. It may still be installing: wait for it, then fail loudly. */
async function launchChromium(): Promise<Browser> {
  await waitFor(
    async () => {
      accessSync(CHROMIUM_PATH, constants.X_OK);
      return true;
    },
    {
      timeoutMs: 180_000,
      intervalMs: 1000,
      what: `Chromium at ${CHROMIUM_PATH} (install it with "apt-get install -y chromium" or set CHROMIUM_PATH)`,
    },
  );
  // Right after apt-get unpacks the wrapper the browser itself can lag behind for a moment.
  return waitFor(() => chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] }), {
    timeoutMs: 30_000,
    intervalMs: 1000,
    what: `Chromium at ${CHROMIUM_PATH} to start`,
  });
}

describe('website chat widget in a real browser on a phone-sized screen', () => {
  const env = testEnv();
  let running: RunningApp;
  let db: Client;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let posts: Array<Record<string, unknown>>;

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await running?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: PHONE_SCREEN, isMobile: true, hasTouch: true, locale: 'ru-RU' });
    page = await context.newPage();
    problems = [];
    posts = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('request', (sent: Request) => {
      if (sent.method() === 'POST' && sent.url().endsWith('/api/v1/webchat/messages')) posts.push(sent.postDataJSON());
    });
  });
  afterEach(async () => {
    await context?.close();
  });

  const widget = () => ({
    launcher: page.getByRole('button', { name: /Напишите нам/ }),
    panel: page.getByRole('dialog', { name: 'Салон «Лаванда»' }),
    text: page.getByLabel('Сообщение'),
    send: page.getByRole('button', { name: 'Отправить' }),
    clientMessages: page.locator('.msg--client'),
    botMessages: page.locator('.msg--bot .text'),
    quickReplies: page.getByRole('group', { name: 'Быстрые ответы' }).getByRole('button'),
    contactToggle: page.getByText('Оставить телефон для связи'),
    phone: page.getByLabel('Телефон (необязательно)'),
    consent: page.getByLabel('Согласен(на) на обработку персональных данных'),
    phoneHint: page.locator('#volna-phone-hint'),
    status: page.getByRole('status'),
  });

  async function openDemo(): Promise<void> {
    await page.goto(`${running.url}/`);
    await widget().launcher.click();
    await widget().panel.waitFor({ state: 'visible' });
  }

  async function say(text: string): Promise<void> {
    await widget().text.fill(text);
    await widget().send.click();
  }

  /** Register before the click that sends: the answer can come back before the next line runs. */
  const acceptedByServer = () =>
    page.waitForResponse((r) => r.url().endsWith('/api/v1/webchat/messages') && r.status() === 202);

  async function botReplies(count: number): Promise<string[]> {
    await widget()
      .botMessages.nth(count - 1)
      .waitFor({ timeout: REPLY_TIMEOUT_MS });
    return widget().botMessages.allTextContents();
  }

  const sessionIdOf = async (): Promise<string> => {
    const id = await page.evaluate(() => (globalThis as any).localStorage.getItem('volna.webchat.session'));
    if (!id) throw new Error('the widget kept no session id');
    return id;
  };

  const transcript = async (sessionId: string): Promise<TranscriptMessage[]> =>
    (await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`)).body.messages;

  const contactPhone = async (sessionId: string): Promise<string | null | undefined> =>
    (
      await db.query(
        `SELECT c.phone_e164 FROM contacts c JOIN contact_identities ci ON ci.contact_id = c.id
          WHERE ci.channel = 'webchat' AND ci.external_id = $1`,
        [sessionId],
      )
    ).rows[0]?.phone_e164;

  /** What the browser reports when the tab goes to the background (headless Chromium never hides a page). */
  const setPageHidden = (hidden: boolean) =>
    page.evaluate((isHidden) => {
      const doc = (globalThis as any).document;
      if (isHidden) {
        Object.defineProperty(doc, 'hidden', { configurable: true, get: () => true });
        Object.defineProperty(doc, 'visibilityState', { configurable: true, get: () => 'hidden' });
      } else {
        delete doc.hidden;
        delete doc.visibilityState;
      }
      doc.dispatchEvent(new (globalThis as any).Event('visibilitychange'));
    }, hidden);

  it('serves /widget.js and the demo page: right types, short cache, strict CSP, kept out of the OpenAPI document', async () => {
    const script = await fetch(`${running.url}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=300');
    expect((await script.text()).length).toBeLessThan(40_000);

    const style = await fetch(`${running.url}/widget.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');

    const demo = await fetch(`${running.url}/`);
    expect(demo.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(demo.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await demo.text()).toContain('<script src="widget.js"');

    const openApi = await request(`${running.url}/docs-json`);
    const paths = Object.keys(openApi.body.paths);
    expect(paths).toContain('/api/v1/webchat/messages');
    expect(paths.filter((path) => /^\/(widget\.js|widget\.css|demo\.css)?$/.test(path))).toEqual([]);
  });

  it('opens full screen with the message field focused, shows the reply and sends a quick reply when tapped', async () => {
    await openDemo();
    expect(await widget().panel.boundingBox()).toEqual({ x: 0, y: 0, ...PHONE_SCREEN });
    const focused = await page.evaluate(
      () => (globalThis as any).document.querySelector('[data-volna-widget]')?.shadowRoot?.activeElement?.id,
    );
    expect(focused).toBe('volna-text');
    const field = await widget().text.boundingBox();
    expect(field!.y + field!.height).toBeLessThanOrEqual(PHONE_SCREEN.height);
    // Below 16 px a phone browser zooms into the field.
    expect(await widget().text.evaluate((node) => (globalThis as any).getComputedStyle(node).fontSize)).toBe('16px');

    await say('Здравствуйте');
    expect(await widget().clientMessages.first().locator('.text').textContent()).toBe('Здравствуйте');
    const [reply] = await botReplies(1);
    const sessionId = await sessionIdOf();
    const stored = await transcript(sessionId);
    expect(stored.map((m) => m.from)).toEqual(['client', 'bot']);
    expect(reply).toBe(stored[1].text);

    // What the app offers with a greeting; the widget shows exactly that under the reply.
    const offered = stored[1].buttons ?? [];
    expect(offered.length).toBeGreaterThan(0);
    await widget().quickReplies.first().waitFor();
    expect(await widget().quickReplies.allTextContents()).toEqual(offered);

    await widget().quickReplies.filter({ hasText: offered[0] }).click();
    const replies = await botReplies(2);
    const after = await transcript(sessionId);
    expect(after.map((m) => m.from)).toEqual(['client', 'bot', 'client', 'bot']);
    expect(after[2].text).toBe(offered[0]);
    expect(replies[1]).toBe(after[3].text);
    expect(await widget().clientMessages.count()).toBe(2);
    expect(problems).toEqual([]);
  });

  it('sends the phone only after the client consents, and says why it was not sent', async () => {
    await openDemo();
    await widget().contactToggle.click();
    await widget().phone.fill('+7 913 555-12-34');
    expect(await widget().phoneHint.textContent()).toMatch(/Без согласия .* телефон не отправим/);
    expect(await page.getByRole('link', { name: 'Политика конфиденциальности' }).getAttribute('href')).toBe(
      `${running.url}/#privacy`,
    );

    let accepted = acceptedByServer();
    await say('Хочу записаться на стрижку');
    await accepted;
    expect(await widget().status.textContent()).toMatch(/Телефон не отправлен: нужно согласие/);
    expect(posts).toHaveLength(1);
    expect(posts[0]).not.toHaveProperty('phone');
    const sessionId = await sessionIdOf();
    await waitFor(async () => (await contactPhone(sessionId)) === null, {
      what: 'the contact, stored without a phone',
    });

    await widget().consent.check();
    expect(await widget().phoneHint.textContent()).toBe('Телефон отправим вместе с сообщением.');
    accepted = acceptedByServer();
    await say('Перезвоните мне, пожалуйста');
    await accepted;
    expect(posts).toHaveLength(2);
    expect(posts[1]).toMatchObject({ phone: '+7 913 555-12-34', sessionId });
    await waitFor(async () => (await contactPhone(sessionId)) === '+79135551234', { what: 'the phone on the contact' });
    expect(problems).toEqual([]);
  });

  it('shows client and bot text as text: markup in a message or a button label is never run', async () => {
    const markup = '<img src=x onerror="window.__xss=1"><b>жирный</b>';
    await openDemo();
    await say(markup);
    await botReplies(1);
    const sessionId = await sessionIdOf();
    const { rows } = await db.query(
      "SELECT id FROM conversations WHERE channel = 'webchat' AND external_thread_id = $1",
      [sessionId],
    );
    await db.query(
      `INSERT INTO messages (conversation_id, direction, channel, text, status, buttons)
       VALUES ($1, 'out', 'webchat', $2, 'sent', $3)`,
      [rows[0].id, `Ответ ${markup}`, JSON.stringify([markup])],
    );

    await widget().botMessages.nth(1).waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await widget().clientMessages.first().locator('.text').textContent()).toBe(markup);
    expect(await widget().botMessages.nth(1).textContent()).toBe(`Ответ ${markup}`);
    expect(await widget().quickReplies.allTextContents()).toEqual([markup]);
    expect(await page.locator('[data-volna-widget] img, [data-volna-widget] b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).__xss)).toBeUndefined();
  });

  it('retries a POST whose answer was lost with the same clientMessageId: the message is stored once', async () => {
    let attempts = 0;
    await page.route('**/api/v1/webchat/messages', async (route) => {
      attempts += 1;
      if (attempts === 1) {
        await route.fetch(); // the server stores it...
        await route.abort('connectionreset'); // ...and the answer never reaches the browser
      } else {
        await route.continue();
      }
    });
    await openDemo();
    await say('Можно записаться на маникюр в субботу?');
    await botReplies(1);

    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(posts.map((p) => p.clientMessageId)).size).toBe(1);
    const sessionId = await sessionIdOf();
    const stored = await transcript(sessionId);
    expect(stored.filter((m) => m.from === 'client').map((m) => m.text)).toEqual([
      'Можно записаться на маникюр в субботу?',
    ]);
    await waitFor(
      async () => (await widget().clientMessages.count()) === 1 && !(await page.locator('.is-pending').count()),
      {
        what: 'one confirmed client message on screen',
      },
    );
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('volna.webchat.outbox'))).toBe('[]');
  });

  it('keeps a message the server has not accepted across a reload, then sends it once', async () => {
    await page.route('**/api/v1/webchat/messages', (route) => route.abort('internetdisconnected'));
    await openDemo();
    await say('Запишите меня на окрашивание');
    await page.locator('.msg--client.is-pending').waitFor();
    await waitFor(async () => posts.length >= 1, { what: 'the first, failed, attempt' });
    const queued = JSON.parse(
      await page.evaluate(() => (globalThis as any).localStorage.getItem('volna.webchat.outbox')),
    );
    expect(queued).toEqual([
      expect.objectContaining({ id: posts[0].clientMessageId, text: 'Запишите меня на окрашивание' }),
    ]);

    await page.unroute('**/api/v1/webchat/messages');
    await page.reload();
    await widget().launcher.click();
    await botReplies(1);
    expect(new Set(posts.map((p) => p.clientMessageId)).size).toBe(1);
    const stored = await transcript(await sessionIdOf());
    expect(stored.filter((m) => m.from === 'client').map((m) => m.text)).toEqual(['Запишите меня на окрашивание']);
    expect(await widget().clientMessages.count()).toBe(1);
  });

  it('Escape closes the chat and returns focus; a reply that comes while closed marks the launcher', async () => {
    // Until the chat is closed the transcript shows nothing new, so the reply surely arrives while it is closed.
    await page.route('**/api/v1/webchat/sessions/*/messages', (route) =>
      route.fulfill({ json: { sessionId: 'held', messages: [] } }),
    );
    await openDemo();
    const accepted = acceptedByServer();
    await say('Сколько стоит стрижка?');
    await accepted;
    await page.keyboard.press('Escape');
    await widget().panel.waitFor({ state: 'hidden' });
    const focused = await page.evaluate(
      () => (globalThis as any).document.querySelector('[data-volna-widget]')?.shadowRoot?.activeElement?.className,
    );
    expect(focused).toBe('launcher');

    await page.unroute('**/api/v1/webchat/sessions/*/messages');
    await page.getByRole('button', { name: 'Напишите нам — есть новый ответ' }).waitFor({ timeout: 30_000 }); // closed polls come every 10 s; a loaded machine may miss the first
    await widget().launcher.click();
    await botReplies(1);
    expect(await page.locator('.badge').isVisible()).toBe(false);
  });

  it('polls about every 1.5 s while open, stops while the page is hidden and catches up when it is visible again', async () => {
    await openDemo();
    await say('Здравствуйте');
    await botReplies(1);
    const polls: number[] = [];
    page.on('request', (sent) => {
      if (sent.url().includes('/api/v1/webchat/sessions/')) polls.push(Date.now());
    });
    await waitFor(async () => polls.length >= 3, { what: 'three polls while open' });
    const gaps = polls.slice(1).map((at, i) => at - polls[i]);
    for (const gap of gaps) expect(gap).toBeGreaterThan(1000);

    await setPageHidden(true);
    const hiddenAt = polls.length;
    // Proving an absence takes a wait: four open-state intervals without a single poll.
    await page.waitForTimeout(6000);
    expect(polls.length - hiddenAt).toBeLessThanOrEqual(1); // at most the one already in flight

    const beforeVisible = polls.length;
    await setPageHidden(false);
    await waitFor(async () => polls.length > beforeVisible, {
      timeoutMs: 1000,
      what: 'a poll right after the page shows',
    });
  });

  describe('embedded on the business site (another origin)', () => {
    let site: Server;
    let siteUrl: string;

    beforeAll(async () => {
      site = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html lang="ru"><head><meta charset="utf-8">` +
            `<meta name="viewport" content="width=device-width, initial-scale=1"><title>Сайт салона</title></head>` +
            `<body><h1>Сайт салона</h1>` +
            `<script src="${running.url}/widget.js" data-title="Салон «Лаванда»" async></script></body></html>`,
        );
      });
      await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
      // localhost vs 127.0.0.1: a different origin from the app, as a real site would be.
      siteUrl = `http://localhost:${(site.address() as AddressInfo).port}/`;
    });
    afterAll(async () => {
      await new Promise((resolve) => site?.close(resolve));
    });

    it('talks to the instance it was loaded from and shows the reply', async () => {
      await page.goto(siteUrl);
      await widget().launcher.click();
      await say('Здравствуйте');
      try {
        await botReplies(1);
      } catch (error) {
        throw new Error(`no reply on a cross-origin page: ${String(error)}\n${problems.join('\n')}`);
      }
      expect(posts[0]).toMatchObject({ text: 'Здравствуйте' });
    });
  });
});
