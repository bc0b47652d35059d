import { callbackDataFor, inlineKeyboard, MAX_CALLBACK_DATA_BYTES } from './telegram-buttons';
import { parseTelegramUpdate } from './telegram.events';

const from = {
  id: 123456789,
  is_bot: false,
  first_name: 'Иван',
  last_name: 'Петров',
  username: 'ivan_petrov',
  language_code: 'ru',
};
const privateChat = {
  id: 123456789,
  first_name: 'Иван',
  last_name: 'Петров',
  username: 'ivan_petrov',
  type: 'private',
};

function update(message: Record<string, unknown>, updateId = 734501122) {
  return { update_id: updateId, message: { message_id: 58, from, chat: privateChat, date: 1700000000, ...message } };
}

const client = {
  channel: 'telegram',
  externalUserId: '123456789',
  threadId: '123456789',
  name: 'Иван Петров',
  profile: { username: 'ivan_petrov' },
};

describe('parseTelegramUpdate', () => {
  describe('text messages', () => {
    it('turns a private text message into an inbound message of the sender in that chat', () => {
      expect(parseTelegramUpdate(update({ text: 'Здравствуйте, хочу записаться на стрижку' }))).toEqual([
        {
          kind: 'message',
          message: { ...client, providerMessageId: '123456789:58', text: 'Здравствуйте, хочу записаться на стрижку' },
        },
      ]);
    });

    it('keeps a /start command as text, and a sender without last name or username', () => {
      const payload = {
        update_id: 1,
        message: {
          message_id: 1,
          from: { id: 555, is_bot: false, first_name: 'Оля', language_code: 'ru' },
          chat: { id: 555, first_name: 'Оля', type: 'private' },
          date: 1700000000,
          text: '/start',
          entities: [{ offset: 0, length: 6, type: 'bot_command' }],
        },
      };
      expect(parseTelegramUpdate(payload)).toEqual([
        {
          kind: 'message',
          message: {
            channel: 'telegram',
            externalUserId: '555',
            threadId: '555',
            providerMessageId: '555:1',
            text: '/start',
            name: 'Оля',
          },
        },
      ]);
    });

    it('ignores messages in groups, supergroups and from bots', () => {
      const group = { id: -1001234567890, title: 'Салон — админы', type: 'supergroup' };
      expect(parseTelegramUpdate(update({ chat: group, text: 'всем привет' }))).toEqual([
        { kind: 'ignored', reason: 'supergroup chat' },
      ]);
      expect(parseTelegramUpdate(update({ chat: { id: -4012345, title: 'Чат', type: 'group' }, text: 'x' }))).toEqual([
        { kind: 'ignored', reason: 'group chat' },
      ]);
      expect(parseTelegramUpdate(update({ from: { ...from, is_bot: true }, text: 'x' }))).toEqual([
        { kind: 'ignored', reason: 'message from a bot' },
      ]);
    });

    it('ignores service messages that carry nothing from the client', () => {
      expect(parseTelegramUpdate(update({ pinned_message: { message_id: 3 } }))).toEqual([
        { kind: 'ignored', reason: 'service message' },
      ]);
      expect(
        parseTelegramUpdate(update({ message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } })),
      ).toEqual([{ kind: 'ignored', reason: 'service message' }]);
    });
  });

  describe('shared contacts', () => {
    it('takes the phone from the client’s own contact (request_contact button)', () => {
      const contact = { phone_number: '79131234567', first_name: 'Иван', last_name: 'Петров', user_id: 123456789 };
      const payload = update({ contact, reply_to_message: { message_id: 57, text: 'Оставьте номер' } });
      expect(parseTelegramUpdate(payload)).toEqual([
        {
          kind: 'message',
          message: {
            ...client,
            providerMessageId: '123456789:58',
            text: 'Мой номер телефона: +79131234567',
            phone: '+79131234567',
          },
        },
      ]);
    });

    it('accepts a phone Telegram already sends with "+"', () => {
      const contact = { phone_number: '+7 902 914 33 20', first_name: 'Иван', user_id: 123456789 };
      const [event] = parseTelegramUpdate(update({ contact }));
      expect(event).toMatchObject({ kind: 'message', message: { phone: '+79029143320' } });
    });

    it('never takes someone else’s card for the client’s phone', () => {
      const contact = { phone_number: '79039998877', first_name: 'Мама', vcard: 'BEGIN:VCARD...', user_id: 987654 };
      const [event] = parseTelegramUpdate(update({ contact }));
      expect(event).toEqual({
        kind: 'message',
        message: { ...client, providerMessageId: '123456789:58', text: 'Отправлен контакт: Мама, +79039998877' },
      });
      expect(
        parseTelegramUpdate(update({ contact: { phone_number: '+79039998877', first_name: 'Без Telegram' } })),
      ).toEqual([
        {
          kind: 'message',
          message: {
            ...client,
            providerMessageId: '123456789:58',
            text: 'Отправлен контакт: Без Telegram, +79039998877',
          },
        },
      ]);
    });

    it('keeps an own card with an unreadable number as text, without a phone', () => {
      const [event] = parseTelegramUpdate(
        update({ contact: { phone_number: '12', first_name: 'И', user_id: 123456789 } }),
      );
      expect(event).toEqual({
        kind: 'message',
        message: { ...client, providerMessageId: '123456789:58', text: 'Мой номер телефона: 12' },
      });
    });
  });

  describe('button presses (callback_query)', () => {
    const keyboard = inlineKeyboard(['Записаться', 'Узнать цены', 'Позвать администратора салона, пожалуйста']);
    const press = (data: string, message?: unknown) => ({
      update_id: 734501130,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from,
        chat_instance: '-8915934372941276124',
        data,
        ...(message === undefined
          ? {
              message: {
                message_id: 60,
                from: { id: 7000000001, is_bot: true, first_name: 'Салон Волна', username: 'volna_salon_bot' },
                chat: privateChat,
                date: 1700000100,
                text: 'Чем могу помочь?',
                reply_markup: keyboard,
              },
            }
          : message === null
            ? {}
            : { message }),
      },
    });

    it('becomes a message whose text is the pressed button’s label, to be acknowledged', () => {
      expect(parseTelegramUpdate(press(callbackDataFor('Узнать цены')))).toEqual([
        {
          kind: 'message',
          ackId: '4382bfdwdsb323b2d9',
          message: { ...client, providerMessageId: 'cb:4382bfdwdsb323b2d9', text: 'Узнать цены' },
        },
      ]);
    });

    it('reads back a label longer than callback_data allows', () => {
      const label = 'Позвать администратора салона, пожалуйста';
      const data = callbackDataFor(label);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
      expect(data).not.toBe(label);
      const [event] = parseTelegramUpdate(press(data));
      expect(event).toMatchObject({ kind: 'message', message: { text: label } });
    });

    it('falls back to the data when the keyboard message is inaccessible or missing', () => {
      const inaccessible = { chat: privateChat, message_id: 60, date: 0 };
      expect(parseTelegramUpdate(press('Записаться', inaccessible))).toEqual([
        {
          kind: 'message',
          ackId: '4382bfdwdsb323b2d9',
          message: { ...client, providerMessageId: 'cb:4382bfdwdsb323b2d9', text: 'Записаться' },
        },
      ]);
      // an inline-mode message: no message, the thread is the user's private chat with the bot
      expect(parseTelegramUpdate(press('Записаться', null))).toMatchObject([
        { kind: 'message', message: { threadId: '123456789', text: 'Записаться' } },
      ]);
    });

    it('ignores presses without data (games) and presses in groups', () => {
      const game = { update_id: 5, callback_query: { id: '77', from, chat_instance: '1', game_short_name: 'quiz' } };
      expect(parseTelegramUpdate(game)).toEqual([{ kind: 'ignored', reason: 'callback query without data' }]);
      const inGroup = press('Записаться', { message_id: 1, date: 1, chat: { id: -100, type: 'supergroup' } });
      expect(parseTelegramUpdate(inGroup)).toEqual([{ kind: 'ignored', reason: 'supergroup chat' }]);
    });
  });

  describe('attachments', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        'voice',
        {
          voice: {
            duration: 4,
            mime_type: 'audio/ogg',
            file_id: 'AwACAgIAAxkBAAIB',
            file_unique_id: 'AgADx',
            file_size: 9120,
          },
        },
        'voice',
      ],
      ['audio', { audio: { duration: 180, file_id: 'CQACAgIAAx', file_unique_id: 'AgADy', title: 'Трек' } }, 'audio'],
      [
        'photo',
        {
          photo: [
            { file_id: 'AgACAgIAAxk1', file_unique_id: 'AQADa', file_size: 1200, width: 90, height: 67 },
            { file_id: 'AgACAgIAAxk2', file_unique_id: 'AQADb', file_size: 51000, width: 800, height: 600 },
          ],
        },
        'photo',
      ],
      [
        'video',
        { video: { duration: 12, width: 720, height: 1280, file_id: 'BAACAgIAA', file_unique_id: 'AgADz' } },
        'video',
      ],
      [
        'video note',
        { video_note: { duration: 9, length: 384, file_id: 'DQACAgIAA', file_unique_id: 'AgADw' } },
        'video',
      ],
      [
        'animation (which also carries document)',
        {
          animation: { file_id: 'CgACAgQAA', file_unique_id: 'AgADv', width: 320, height: 240, duration: 3 },
          document: { file_id: 'CgACAgQAA', file_unique_id: 'AgADv', file_name: 'gif.mp4', mime_type: 'video/mp4' },
        },
        'video',
      ],
      [
        'sticker',
        {
          sticker: {
            file_id: 'CAACAgIAAx',
            file_unique_id: 'AgADu',
            type: 'regular',
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            emoji: '👍',
          },
        },
        'sticker',
      ],
      [
        'document',
        {
          document: {
            file_name: 'анализы.pdf',
            mime_type: 'application/pdf',
            file_id: 'BQACAgIAA',
            file_unique_id: 'AgADt',
          },
        },
        'document',
      ],
      ['location', { location: { latitude: 56.0106, longitude: 92.8526 } }, 'location'],
      [
        'venue (which also carries location)',
        {
          location: { latitude: 56.0106, longitude: 92.8526 },
          venue: { location: { latitude: 56.0106, longitude: 92.8526 }, title: 'ТЦ Планета', address: 'ул. 9 Мая, 77' },
        },
        'location',
      ],
      [
        'poll',
        { poll: { id: '1', question: 'Когда удобно?', options: [], total_voter_count: 0, is_closed: false } },
        'other',
      ],
      ['dice', { dice: { emoji: '🎲', value: 4 } }, 'other'],
    ];

    it.each(cases)('%s → an attachment message with empty text', (_name, content, kind) => {
      expect(parseTelegramUpdate(update(content))).toEqual([
        { kind: 'message', message: { ...client, providerMessageId: '123456789:58', text: '', attachment: kind } },
      ]);
    });

    it('keeps the caption as the text', () => {
      const payload = update({
        photo: [{ file_id: 'AgACAgIAAxk1', file_unique_id: 'AQADa', width: 90, height: 67 }],
        caption: 'Вот такой маникюр хочу',
      });
      expect(parseTelegramUpdate(payload)).toEqual([
        {
          kind: 'message',
          message: {
            ...client,
            providerMessageId: '123456789:58',
            text: 'Вот такой маникюр хочу',
            attachment: 'photo',
          },
        },
      ]);
    });
  });

  describe('other updates and garbage', () => {
    it.each([
      ['edited_message', { edited_message: { ...update({ text: 'исправил' }).message, edit_date: 1700000050 } }],
      [
        'channel_post',
        {
          channel_post: {
            message_id: 9,
            chat: { id: -1001, type: 'channel', title: 'Новости' },
            date: 1,
            text: 'пост',
          },
        },
      ],
      [
        'my_chat_member',
        {
          my_chat_member: {
            chat: privateChat,
            from,
            date: 1700000000,
            old_chat_member: { user: { id: 7000000001, is_bot: true, first_name: 'Салон' }, status: 'member' },
            new_chat_member: {
              user: { id: 7000000001, is_bot: true, first_name: 'Салон' },
              status: 'kicked',
              until_date: 0,
            },
          },
        },
      ],
      [
        'message_reaction',
        { message_reaction: { chat: privateChat, message_id: 60, date: 1, old_reaction: [], new_reaction: [] } },
      ],
    ])('%s is ignored', (type, body) => {
      expect(parseTelegramUpdate({ update_id: 10, ...body })).toEqual([
        { kind: 'ignored', reason: `update type ${type}` },
      ]);
    });

    it.each([
      ['null', null],
      ['a string', 'update'],
      ['an array', [1, 2]],
      ['an update with nothing', { update_id: 1 }],
      ['a message that is not an object', { update_id: 1, message: 'hi' }],
      ['a message without chat', { update_id: 1, message: { message_id: 1, from, date: 1, text: 'x' } }],
      [
        'a message with a string chat id',
        { update_id: 1, message: { message_id: 1, from, chat: { id: '1', type: 'private' }, text: 'x' } },
      ],
      ['a callback query without id', { update_id: 1, callback_query: { from, data: 'x' } }],
    ])('never throws: %s is ignored', (_name, payload) => {
      const events = parseTelegramUpdate(payload);
      expect(events).toHaveLength(1);
      expect(events[0].kind).toBe('ignored');
    });
  });
});

describe('inline keyboard', () => {
  it('puts one button per row and keeps every callback_data within 64 bytes, stable per label', () => {
    const labels = [
      'Да',
      'Записаться на завтра в 15:00 к мастеру Анастасии',
      'Записаться на завтра в 15:00 к мастеру Анастасии!',
    ];
    const markup = inlineKeyboard(labels);
    expect(markup.inline_keyboard.map((row) => row.map((button) => button.text))).toEqual(labels.map((l) => [l]));
    const data = markup.inline_keyboard.map((row) => (row[0] as { callback_data: string }).callback_data);
    for (const item of data) expect(Buffer.byteLength(item, 'utf8')).toBeLessThanOrEqual(64);
    expect(new Set(data).size).toBe(3);
    expect(data[0]).toBe('Да');
    expect(callbackDataFor(labels[1])).toBe(data[1]);
    expect(data[1].startsWith('Записаться')).toBe(true);
  });
});
