import { InstagramEventParser, parseInstagramWebhook } from './instagram.events';

const ACCOUNT = '17841400000000000';
const CLIENT = '5512345678901234';

function webhook(...messaging: object[][]) {
  return {
    object: 'instagram',
    entry: messaging.map((items, i) => ({ id: ACCOUNT, time: 1700000000123 + i, messaging: items })),
  };
}

const from = (sender: string, item: object) => ({
  sender: { id: sender },
  recipient: { id: ACCOUNT },
  timestamp: 1700000000000,
  ...item,
});

describe('parseInstagramWebhook', () => {
  it('turns a DM into a message from the IGSID, threaded by it, keyed by mid', () => {
    expect(
      parseInstagramWebhook(webhook([from(CLIENT, { message: { mid: 'aWdf1', text: 'Сколько стоит маникюр?' } })])),
    ).toEqual([
      {
        kind: 'message',
        message: {
          channel: 'instagram',
          externalUserId: CLIENT,
          threadId: CLIENT,
          providerMessageId: 'aWdf1',
          text: 'Сколько стоит маникюр?',
        },
      },
    ]);
  });

  it('reads every entry and every messaging item', () => {
    const events = parseInstagramWebhook(
      webhook(
        [from(CLIENT, { message: { mid: 'm1', text: 'раз' } }), from(CLIENT, { message: { mid: 'm2', text: 'два' } })],
        [from('777', { message: { mid: 'm3', text: 'три' } }), from('777', { message: { mid: 'm4', text: 'четыре' } })],
      ),
    );
    expect(events.map((e) => e.kind === 'message' && e.message.providerMessageId)).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('a quick reply brings back its payload (the full label); a postback its title', () => {
    const events = parseInstagramWebhook(
      webhook([
        from(CLIENT, { message: { mid: 'm1', text: 'Завтра', quick_reply: { payload: 'Завтра утром' } } }),
        from(CLIENT, { postback: { mid: 'm2', title: 'Записаться', payload: 'BOOK' } }),
      ]),
    );
    expect(events.map((e) => e.kind === 'message' && e.message.text)).toEqual(['Завтра утром', 'Записаться']);
  });

  it.each([
    ['image', 'photo'],
    ['video', 'video'],
    ['audio', 'voice'],
    ['file', 'document'],
    ['share', 'other'],
    ['story_mention', 'other'],
    ['ig_reel', 'other'],
  ])('an %s attachment is %s', (type, attachment) => {
    const [event] = parseInstagramWebhook(
      webhook([from(CLIENT, { message: { mid: 'm1', attachments: [{ type, payload: { url: 'https://x' } }] } })]),
    );
    expect(event).toMatchObject({ kind: 'message', message: { attachment, text: '' } });
  });

  it('ignores our own echoes, reads, reactions, edits and deleted messages', () => {
    const events = parseInstagramWebhook(
      webhook([
        {
          sender: { id: ACCOUNT },
          recipient: { id: CLIENT },
          timestamp: 1,
          message: { mid: 'e1', text: 'Стоимость 1500 ₽', is_echo: true },
        },
        from(CLIENT, { read: { mid: 'e1' } }),
        from(CLIENT, { reaction: { mid: 'e1', action: 'react', reaction: 'love', emoji: '❤️' } }),
        from(CLIENT, { message_edit: { mid: 'm1', text: 'исправлено', num_edit: 1 } }),
        from(CLIENT, { message: { mid: 'm2', is_deleted: true } }),
        from(CLIENT, { message: { mid: 'm3', is_unsupported: true } }),
      ]),
    );
    expect(events.map((e) => e.kind === 'ignored' && e.reason)).toEqual([
      'echo of our own message',
      'read',
      'reaction',
      'message_edit',
      'message deleted',
      'unsupported message',
    ]);
  });

  it('ignores standby, changes and other objects, and never throws', () => {
    expect(
      parseInstagramWebhook({
        object: 'instagram',
        entry: [{ id: ACCOUNT, standby: [from(CLIENT, { message: { mid: 's1', text: 'x' } })] }],
      }),
    ).toEqual([{ kind: 'ignored', reason: expect.stringMatching(/standby/) }]);
    expect(
      parseInstagramWebhook({ object: 'instagram', entry: [{ id: ACCOUNT, changes: [{ field: 'comments' }] }] }),
    ).toEqual([{ kind: 'ignored', reason: expect.stringMatching(/changes/) }]);
    expect(parseInstagramWebhook({ object: 'page', entry: [] })).toEqual([
      { kind: 'ignored', reason: expect.any(String) },
    ]);

    const parser = new InstagramEventParser();
    for (const payload of [null, 1, 'x', [], {}, { object: 'instagram', entry: [{ messaging: [null, 5, {}] }] }]) {
      expect(parser.parse(payload).every((e) => e.kind === 'ignored')).toBe(true);
    }
  });
});
