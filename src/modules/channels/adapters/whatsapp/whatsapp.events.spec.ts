import { WhatsAppEventParser, parseWhatsAppWebhook } from './whatsapp.events';

const metadata = { display_phone_number: '79001234567', phone_number_id: '1065403522' };

function webhook(...values: object[]) {
  return {
    object: 'whatsapp_business_account',
    entry: values.map((value, i) => ({
      id: `WABA-${i}`,
      changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata, ...value } }],
    })),
  };
}

const anna = { profile: { name: 'Анна' }, wa_id: '79161234567' };
const message = (id: string, type: string, body: object, from = '79161234567') => ({
  from,
  id,
  timestamp: '1700000000',
  type,
  [type]: body,
});

describe('parseWhatsAppWebhook', () => {
  it('turns a text message into a message with the phone, the name and both ids', () => {
    const events = parseWhatsAppWebhook(
      webhook({
        contacts: [{ ...anna, user_id: 'RU.13491208655302741918' }],
        messages: [{ ...message('wamid.A', 'text', { body: 'Можно записаться на завтра?' }), from_user_id: 'RU.1349' }],
      }),
    );
    expect(events).toEqual([
      {
        kind: 'message',
        message: {
          channel: 'whatsapp',
          externalUserId: '79161234567',
          threadId: '79161234567',
          providerMessageId: 'wamid.A',
          text: 'Можно записаться на завтра?',
          name: 'Анна',
          phone: '+79161234567',
          profile: { wa_id: '79161234567', user_id: 'RU.1349' },
        },
      },
    ]);
  });

  it('keeps the contact user_id when the message has no from_user_id', () => {
    const [event] = parseWhatsAppWebhook(
      webhook({
        contacts: [{ ...anna, user_id: 'RU.13491208655302741918' }],
        messages: [message('wamid.A', 'text', { body: 'привет' })],
      }),
    );
    expect(event).toMatchObject({ message: { profile: { wa_id: '79161234567', user_id: 'RU.13491208655302741918' } } });
  });

  it('reads every entry, every change and every message of a batch', () => {
    const events = parseWhatsAppWebhook(
      webhook(
        {
          contacts: [anna],
          messages: [message('wamid.1', 'text', { body: 'раз' }), message('wamid.2', 'text', { body: 'два' })],
        },
        {
          contacts: [{ profile: { name: 'Олег' }, wa_id: '79020000000' }],
          messages: [
            message('wamid.3', 'text', { body: 'три' }, '79020000000'),
            message('wamid.4', 'text', { body: 'четыре' }, '79020000000'),
          ],
        },
      ),
    );
    expect(events.map((e) => e.kind === 'message' && [e.message.providerMessageId, e.message.name])).toEqual([
      ['wamid.1', 'Анна'],
      ['wamid.2', 'Анна'],
      ['wamid.3', 'Олег'],
      ['wamid.4', 'Олег'],
    ]);
  });

  it('matches each sender to its own contact in a change with several', () => {
    const events = parseWhatsAppWebhook(
      webhook({
        contacts: [anna, { profile: { name: 'Олег' }, wa_id: '79020000000' }],
        messages: [message('wamid.1', 'text', { body: 'а' }, '79020000000'), message('wamid.2', 'text', { body: 'б' })],
      }),
    );
    expect(events.map((e) => e.kind === 'message' && e.message.name)).toEqual(['Олег', 'Анна']);
  });

  it.each([
    [
      'a reply button',
      'interactive',
      { type: 'button_reply', button_reply: { id: 'option-1', title: 'Завтра' } },
      'Завтра',
    ],
    [
      'a list row',
      'interactive',
      { type: 'list_reply', list_reply: { id: 'option-4', title: 'Маникюр с покрытием', description: '' } },
      'Маникюр с покрытием',
    ],
    ['a template quick reply', 'button', { payload: 'yes', text: 'Подтверждаю' }, 'Подтверждаю'],
  ])('takes the label of %s as the text', (_name, type, body, text) => {
    const [event] = parseWhatsAppWebhook(webhook({ contacts: [anna], messages: [message('wamid.B', type, body)] }));
    expect(event).toMatchObject({ kind: 'message', message: { text } });
    expect(event.kind === 'message' && event.message.attachment).toBeFalsy();
  });

  it.each([
    ['image', { id: 'm1', mime_type: 'image/jpeg', caption: 'вот так хочу' }, 'photo', 'вот так хочу'],
    ['video', { id: 'm2', mime_type: 'video/mp4' }, 'video', ''],
    ['audio', { id: 'm3', mime_type: 'audio/ogg; codecs=opus', voice: true }, 'voice', ''],
    ['audio', { id: 'm4', mime_type: 'audio/mpeg' }, 'audio', ''],
    ['voice', { id: 'm5', mime_type: 'audio/ogg' }, 'voice', ''],
    ['document', { id: 'm6', filename: 'анализы.pdf', caption: 'результаты' }, 'document', 'результаты'],
    ['sticker', { id: 'm7', mime_type: 'image/webp', animated: false }, 'sticker', ''],
    [
      'location',
      { latitude: 56.01, longitude: 92.87, name: 'Дом', address: 'ул. Ленина, 1' },
      'location',
      'Дом, ул. Ленина, 1',
    ],
    ['contacts', [{ name: { formatted_name: 'Мама' }, phones: [{ phone: '+7 913 000-00-00' }] }], 'other', ''],
  ])('%s message: an attachment with its caption as text', (type, body, attachment, text) => {
    const [event] = parseWhatsAppWebhook(webhook({ contacts: [anna], messages: [message('wamid.C', type, body)] }));
    expect(event).toMatchObject({ kind: 'message', message: { attachment, text } });
  });

  it('ignores reactions, unsupported and unknown types', () => {
    const events = parseWhatsAppWebhook(
      webhook({
        contacts: [anna],
        messages: [
          message('wamid.D', 'reaction', { message_id: 'wamid.OUR', emoji: '👍' }),
          {
            ...message('wamid.E', 'unsupported', { type: 'poll_update' }),
            errors: [{ code: 131051, title: 'Message type unknown' }],
          },
          message('wamid.F', 'hologram', {}),
          message('wamid.G', 'interactive', { type: 'nfm_reply', nfm_reply: { response_json: '{}' } }),
        ],
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
  });

  it('turns statuses into delivery reports, failed ones with the code and title', () => {
    const events = parseWhatsAppWebhook(
      webhook({
        statuses: [
          { id: 'wamid.OUR1', status: 'sent', timestamp: '1700000100', recipient_id: '79161234567' },
          { id: 'wamid.OUR1', status: 'delivered', timestamp: '1700000101', recipient_id: '79161234567' },
          { id: 'wamid.OUR1', status: 'read', timestamp: '1700000102', recipient_id: '79161234567' },
          {
            id: 'wamid.OUR2',
            status: 'failed',
            timestamp: '1700000103',
            recipient_id: '79161234567',
            errors: [{ code: 131047, title: 'Re-engagement message' }],
          },
          { id: 'wamid.OUR3', status: 'deleted', timestamp: '1700000104' },
        ],
      }),
    );
    expect(events).toEqual([
      { kind: 'status', providerMessageId: 'wamid.OUR1', status: 'sent' },
      { kind: 'status', providerMessageId: 'wamid.OUR1', status: 'delivered' },
      { kind: 'status', providerMessageId: 'wamid.OUR1', status: 'read' },
      { kind: 'status', providerMessageId: 'wamid.OUR2', status: 'failed', error: '131047 Re-engagement message' },
      { kind: 'ignored', reason: 'status deleted' },
    ]);
  });

  it('reads messages and statuses of the same change', () => {
    const events = parseWhatsAppWebhook(
      webhook({
        contacts: [anna],
        messages: [message('wamid.H', 'text', { body: 'ок' })],
        statuses: [{ id: 'wamid.OUR', status: 'delivered' }],
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['message', 'status']);
  });

  it('a user who withholds the phone number is known by the business-scoped id, without a phone', () => {
    const [event] = parseWhatsAppWebhook(
      webhook({
        contacts: [{ profile: { name: 'Ира', username: '@ira' }, user_id: 'RU.777' }],
        messages: [{ from_user_id: 'RU.777', id: 'wamid.I', type: 'text', text: { body: 'здравствуйте' } }],
      }),
    );
    expect(event).toEqual({
      kind: 'message',
      message: expect.objectContaining({
        externalUserId: 'RU.777',
        threadId: 'RU.777',
        name: 'Ира',
        profile: { user_id: 'RU.777', username: '@ira' },
      }),
    });
    expect(event.kind === 'message' && event.message.phone).toBeUndefined();
  });

  it('ignores other objects and fields, and never throws on odd payloads', () => {
    expect(parseWhatsAppWebhook({ object: 'instagram', entry: [] })).toEqual([
      { kind: 'ignored', reason: expect.any(String) },
    ]);
    expect(
      parseWhatsAppWebhook({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] }],
      }),
    ).toEqual([{ kind: 'ignored', reason: 'field message_template_status_update' }]);

    const parser = new WhatsAppEventParser();
    for (const payload of [null, 42, 'x', [], {}, { object: 'whatsapp_business_account', entry: 'x' }]) {
      expect(parser.parse(payload).every((e) => e.kind === 'ignored')).toBe(true);
    }
    const poisoned = {
      object: 'whatsapp_business_account',
      get entry() {
        throw new Error('boom');
      },
    };
    expect(parser.parse(poisoned)).toEqual([{ kind: 'ignored', reason: 'unreadable payload' }]);
  });
});
