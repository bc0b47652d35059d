import { inlineKeyboard, labelOfPayload } from './vk-keyboard';
import { parseVkCallback, vkEventKey, VkEventParser, type VkCallback } from './vk.events';

const GROUP_ID = 218000000;

function callback(type: string, object: unknown, extra: Partial<VkCallback> = {}): VkCallback {
  return {
    group_id: GROUP_ID,
    type,
    event_id: 'beea7f04ba6a1553adcc5445943e118d151169ff',
    v: '5.199',
    object,
    secret: 'our-secret',
    ...extra,
  };
}

function messageNew(message: Record<string, unknown>): VkCallback {
  return callback('message_new', {
    message: {
      date: 1700000000,
      from_id: 15000000,
      id: 4521,
      out: 0,
      version: 10003456,
      attachments: [],
      conversation_message_id: 77,
      fwd_messages: [],
      important: false,
      is_hidden: false,
      peer_id: 15000000,
      random_id: 0,
      text: 'Добрый день, есть окно в субботу?',
      ...message,
    },
    client_info: {
      button_actions: ['text', 'vkpay', 'open_app', 'location', 'open_link', 'callback', 'intent_subscribe'],
      keyboard: true,
      inline_keyboard: true,
      carousel: true,
      lang_id: 0,
    },
  });
}

describe('parseVkCallback', () => {
  it('reads a client message in a private dialog', () => {
    expect(parseVkCallback(messageNew({}))).toEqual([
      {
        kind: 'message',
        message: {
          channel: 'vk',
          externalUserId: '15000000',
          threadId: '15000000',
          providerMessageId: '15000000:77',
          text: 'Добрый день, есть окно в субботу?',
        },
      },
    ]);
  });

  it('takes the full label of a pressed button from its payload, not the cut label VK sends as text', () => {
    const label = 'Записаться на маникюр с покрытием гель-лаком в субботу';
    const button = inlineKeyboard([label]).buttons[0][0].action;
    expect(button.label.length).toBeLessThanOrEqual(40);

    const [event] = parseVkCallback(messageNew({ text: button.label, payload: button.payload }));
    expect(event).toMatchObject({ kind: 'message', message: { text: label } });
  });

  it('keeps the text of the "Start" button, whose payload is a command', () => {
    const [event] = parseVkCallback(messageNew({ text: 'Начать', payload: '{"command":"start"}' }));
    expect(event).toMatchObject({ kind: 'message', message: { text: 'Начать' } });
  });

  it.each([
    ['audio_message', 'voice'],
    ['photo', 'photo'],
    ['sticker', 'sticker'],
    ['doc', 'document'],
    ['video', 'video'],
    ['audio', 'audio'],
    ['graffiti', 'photo'],
    ['wall', 'other'],
    ['poll', 'other'],
  ])('marks a %s attachment as %s', (type, kind) => {
    const attachment = { type, [type]: { id: 457239017, owner_id: 15000000 } };
    const [event] = parseVkCallback(messageNew({ text: '', attachments: [attachment] }));
    expect(event).toMatchObject({ kind: 'message', message: { text: '', attachment: kind } });
  });

  it('keeps the caption of a photo', () => {
    const photo = { type: 'photo', photo: { id: 1, owner_id: 15000000, sizes: [] } };
    const [event] = parseVkCallback(messageNew({ text: 'вот такой дизайн хочу', attachments: [photo] }));
    expect(event).toMatchObject({ message: { text: 'вот такой дизайн хочу', attachment: 'photo' } });
  });

  it('marks a shared location and forwarded messages', () => {
    const geo = { type: 'point', coordinates: { latitude: 56.01, longitude: 92.85 } };
    expect(parseVkCallback(messageNew({ text: '', geo }))[0]).toMatchObject({ message: { attachment: 'location' } });
    const fwd = [{ from_id: 1, text: 'чужое сообщение', date: 1699999000 }];
    expect(parseVkCallback(messageNew({ text: '', fwd_messages: fwd }))[0]).toMatchObject({
      message: { text: '', attachment: 'other' },
    });
  });

  it('falls back to the message id when there is no conversation message id', () => {
    const [event] = parseVkCallback(messageNew({ conversation_message_id: undefined }));
    expect(event).toMatchObject({ message: { providerMessageId: '4521' } });
  });

  it('reads the pre-5.103 shape, where the object is the message itself', () => {
    const old = {
      type: 'message_new',
      group_id: GROUP_ID,
      secret: 'our-secret',
      object: {
        id: 12,
        date: 1500000000,
        out: 0,
        user_id: 15000000,
        from_id: 15000000,
        peer_id: 15000000,
        text: 'привет',
      },
    };
    expect(parseVkCallback(old)).toEqual([
      {
        kind: 'message',
        message: {
          channel: 'vk',
          externalUserId: '15000000',
          threadId: '15000000',
          providerMessageId: '12',
          text: 'привет',
        },
      },
    ]);
  });

  it.each([
    [
      'message_reply',
      callback('message_reply', { id: 4522, out: 1, from_id: -GROUP_ID, peer_id: 15000000, text: 'Здравствуйте!' }),
    ],
    ['message_edit', callback('message_edit', { id: 4521, from_id: 15000000, peer_id: 15000000, text: 'исправил' })],
    [
      'message_typing_state',
      callback('message_typing_state', { state: 'typing', from_id: 15000000, to_id: -GROUP_ID }),
    ],
    ['message_allow', callback('message_allow', { user_id: 15000000, key: 'promo' })],
    ['message_deny', callback('message_deny', { user_id: 15000000 })],
    ['message_event', callback('message_event', { user_id: 15000000, peer_id: 15000000, event_id: 'a1', payload: {} })],
    ['group_join', callback('group_join', { user_id: 15000000, join_type: 'join' })],
    ['wall_post_new', callback('wall_post_new', { id: 1, owner_id: -GROUP_ID, text: 'пост' })],
  ])('ignores %s', (type, payload) => {
    expect(parseVkCallback(payload)).toEqual([{ kind: 'ignored', reason: `event type ${type}` }]);
  });

  it('ignores group chats, messages from communities, service messages and empty messages', () => {
    const reasons = [
      messageNew({ peer_id: 2000000005, from_id: 15000000 }),
      messageNew({ from_id: -5 }),
      messageNew({ peer_id: 2000000005, text: '', action: { type: 'chat_invite_user', member_id: -GROUP_ID } }),
      messageNew({ text: '   ' }),
      messageNew({ out: 1 }),
    ].map((payload) => parseVkCallback(payload)[0]);
    expect(reasons).toEqual([
      { kind: 'ignored', reason: 'group chat' },
      { kind: 'ignored', reason: 'message from a community' },
      { kind: 'ignored', reason: 'group chat' },
      { kind: 'ignored', reason: 'service message' },
      { kind: 'ignored', reason: 'our own message' },
    ]);
  });

  it('never throws on input it does not understand', () => {
    const junk: unknown[] = [
      null,
      undefined,
      42,
      'ok',
      [],
      {},
      { type: 5 },
      { type: 'message_new' },
      { type: 'message_new', object: null },
      { type: 'message_new', object: { message: 'text' } },
      { type: 'message_new', object: { message: { from_id: '1', peer_id: 1, text: 'x' } } },
      { type: 'message_new', object: { message: { from_id: 1, peer_id: 1, text: 'x', id: 0 } } },
      { type: 'message_new', object: { message: { from_id: 1, peer_id: 1, id: 3, text: 7, attachments: 'no' } } },
      { type: 'message_new', object: { message: { from_id: 1, peer_id: 1, id: 3, payload: '{bad json' } } },
    ];
    for (const payload of junk) {
      const events = parseVkCallback(payload);
      expect(events).toHaveLength(1);
      expect(events[0].kind).toBe('ignored');
    }
  });

  it('is the channel parser for vk', () => {
    const parser = new VkEventParser();
    expect(parser.channel).toBe('vk');
    expect(parser.parse(messageNew({}))[0].kind).toBe('message');
  });
});

describe('vkEventKey', () => {
  it("is VK's event_id when given", () => {
    expect(vkEventKey(messageNew({}))).toBe('beea7f04ba6a1553adcc5445943e118d151169ff');
  });

  it('falls back to the message ids for API versions without event_id', () => {
    expect(vkEventKey({ ...messageNew({}), event_id: undefined })).toBe('message_new:15000000:77');
    const old = callback('message_new', { id: 12, from_id: 1, peer_id: 1 }, { event_id: undefined });
    expect(vkEventKey(old)).toBe('message_new:12');
  });

  it('falls back to a stable hash of the object for events without ids', () => {
    const first = callback('message_allow', { user_id: 15000000, key: 'promo' }, { event_id: undefined });
    const again = callback('message_allow', { user_id: 15000000, key: 'promo' }, { event_id: undefined });
    const other = callback('message_allow', { user_id: 15000001, key: 'promo' }, { event_id: undefined });
    expect(vkEventKey(first)).toMatch(/^message_allow:[0-9a-f]{32}$/);
    expect(vkEventKey(again)).toBe(vkEventKey(first));
    expect(vkEventKey(other)).not.toBe(vkEventKey(first));
  });
});

describe('vk keyboard', () => {
  it('builds an inline keyboard, one button per row, at most 6 rows, payloads within 255 bytes', () => {
    const labels = ['Да', 'Нет', 'Позвоните мне', 'Цены', 'Адрес', 'Часы работы', 'Лишняя кнопка', 'ж'.repeat(300)];
    const keyboard = inlineKeyboard(labels);
    expect(keyboard.inline).toBe(true);
    expect(keyboard.buttons).toHaveLength(6);
    expect(keyboard.buttons.every((row) => row.length === 1)).toBe(true);
    expect(keyboard.buttons[0][0]).toEqual({ action: { type: 'text', label: 'Да', payload: '{"button":"Да"}' } });

    const long = inlineKeyboard(['ж'.repeat(300)]).buttons[0][0].action;
    expect([...long.label]).toHaveLength(40);
    expect(Buffer.byteLength(long.payload, 'utf8')).toBeLessThanOrEqual(255);
    expect(labelOfPayload(long.payload)).toMatch(/^ж+$/);
  });

  it('reads no label from payloads that are not ours', () => {
    for (const payload of [undefined, '', '{"command":"start"}', '{"button":""}', '{"button":5}', 'null', '{bad']) {
      expect(labelOfPayload(payload)).toBeUndefined();
    }
  });
});
