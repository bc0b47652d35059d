import type { InlineKeyboardMarkup, Message, Update, User } from '@grammyjs/types';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

type Params = Record<string, unknown>;

export interface SentTelegramMessage {
  chatId: string;
  messageId: number;
  text: string;
  replyMarkup?: InlineKeyboardMarkup;
  /** When the fake accepted it (ms since epoch). */
  at: number;
  /** The Message object the Bot API answered with. */
  message: Message;
}

export interface FakeWebhook {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections: number;
}

/** `{ok: false, error_code, description, parameters?}` with the same HTTP status, as the Bot API answers. */
export function telegramError(errorCode: number, description: string, parameters?: Params): FakeResponse {
  return {
    status: errorCode,
    body: { ok: false, error_code: errorCode, description, ...(parameters ? { parameters } : {}) },
  };
}

/** Flood control: the Bot API says how many seconds to wait. */
export const floodWait = (retryAfter: number): FakeResponse =>
  telegramError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
export const botBlocked = (): FakeResponse => telegramError(403, 'Forbidden: bot was blocked by the user');
export const userDeactivated = (): FakeResponse => telegramError(403, 'Forbidden: user is deactivated');
export const chatNotFound = (): FakeResponse => telegramError(400, 'Bad Request: chat not found');
export const unauthorized = (): FakeResponse => telegramError(401, 'Unauthorized');
export const internalError = (): FakeResponse => telegramError(500, 'Internal Server Error');
/** What the front proxy answers while the Bot API is restarting: HTML, not the JSON envelope. */
export const badGateway = (): FakeResponse => ({
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.18.0</center></body></html>',
});

/** Matches calls of one Bot API method, for `failNext`. */
export const method =
  (name: string) =>
  (request: FakeRequest): boolean =>
    methodOf(request) === name;

/** Matches sendMessage calls to one chat, for `failNext`. */
export const sendMessageTo =
  (chatId: string | number) =>
  (request: FakeRequest): boolean =>
    methodOf(request) === 'sendMessage' && String(paramsOf(request).chat_id) === String(chatId);

const METHOD_PATH = /^\/bot([^/]*)\/([A-Za-z]+)$/;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_TEXT = 4096;
const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * The Telegram Bot API as a bot sees it: `/bot<token>/<method>` with JSON, form or query parameters, the
 * `{ok, result}` / `{ok: false, error_code, description, parameters}` envelope with the matching HTTP status,
 * per-chat message ids, and the chat states that make sendMessage fail (a user who blocked the bot, a deleted
 * account, an unknown chat). Scripted faults (flood control, 5xx, hang) come from FakeHttpServer.failNext.
 */
export class FakeTelegram extends FakeHttpServer {
  readonly bot: User = { id: 7000000001, is_bot: true, first_name: 'Салон Волна', username: 'volna_salon_bot' };
  webhook: FakeWebhook | null = null;
  /** Real Telegram delivers webhooks only over HTTPS; tests registering a local app may switch this off. */
  requireHttpsWebhook = true;
  readonly answeredCallbackQueries: Array<{ id: string; text?: string; at: number }> = [];

  private readonly sent: SentTelegramMessage[] = [];
  private readonly chatStates = new Map<string, FakeResponse>();
  private readonly expiredQueries = new Set<string>();
  private readonly nextMessageId = new Map<string, number>();
  private readonly methods: Record<string, (params: Params) => unknown> = {
    getMe: () => this.bot,
    sendMessage: (p) => this.sendMessage(p),
    answerCallbackQuery: (p) => this.answerCallbackQuery(p),
    setWebhook: (p) => this.setWebhook(p),
    deleteWebhook: () => {
      this.webhook = null;
      return true;
    },
    getWebhookInfo: () => this.webhookInfo(),
  };

  constructor(readonly token = '7000000001:AAHfakeTokenForTests_0123456789abcd') {
    super();
    this.route('POST', METHOD_PATH, (request) => this.serveMethod(request));
    this.route('GET', METHOD_PATH, (request) => this.serveMethod(request));
  }

  /** Requests to one Bot API method, in order. */
  calls(name: string): FakeRequest[] {
    return this.requests.filter((request) => methodOf(request) === name);
  }

  /** Messages the bot sent to `chatId`, oldest first. */
  messagesTo(chatId: string | number): SentTelegramMessage[] {
    return this.sent.filter((message) => message.chatId === String(chatId));
  }

  allMessages(): SentTelegramMessage[] {
    return [...this.sent];
  }

  /** The user of `chatId` blocked the bot: every sendMessage there answers 403. */
  blockBot(chatId: string | number): void {
    this.chatStates.set(String(chatId), botBlocked());
  }

  deactivateUser(chatId: string | number): void {
    this.chatStates.set(String(chatId), userDeactivated());
  }

  /** The bot has never seen this chat (wrong id, or a user who never pressed Start). */
  forgetChat(chatId: string | number): void {
    this.chatStates.set(String(chatId), chatNotFound());
  }

  /** The callback query is older than Telegram lets a bot answer. */
  expireCallbackQuery(id: string): void {
    this.expiredQueries.add(id);
  }

  private serveMethod(request: FakeRequest): FakeResponse {
    const [, token, name] = METHOD_PATH.exec(request.path) ?? [];
    if (!/^\d+:[A-Za-z0-9_-]+$/.test(token ?? '')) return telegramError(404, 'Not Found');
    if (token !== this.token) return telegramError(401, 'Unauthorized');
    const handler = this.methods[name];
    if (!handler) return telegramError(404, 'Not Found');
    try {
      const result = handler(paramsOf(request));
      return { body: { ok: true, result } };
    } catch (error) {
      if (error instanceof BotApiError) return error.response;
      throw error;
    }
  }

  private sendMessage(params: Params): Message {
    const chatId = params.chat_id === undefined ? '' : String(params.chat_id).trim();
    if (!chatId) throw new BotApiError(telegramError(400, 'Bad Request: chat_id is empty'));
    const text = typeof params.text === 'string' ? params.text : '';
    if (!text.trim()) throw new BotApiError(telegramError(400, 'Bad Request: message text is empty'));
    if (text.length > MAX_TEXT) throw new BotApiError(telegramError(400, 'Bad Request: message is too long'));
    const replyMarkup = checkReplyMarkup(params.reply_markup);
    if (!/^-?\d+$/.test(chatId)) throw new BotApiError(chatNotFound());
    const state = this.chatStates.get(chatId);
    if (state) throw new BotApiError(state);

    const messageId = this.nextMessageId.get(chatId) ?? 100;
    this.nextMessageId.set(chatId, messageId + 1);
    const message = {
      message_id: messageId,
      from: this.bot,
      chat: { id: Number(chatId), first_name: 'Клиент', type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
      ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
    } as Message;
    this.sent.push({ chatId, messageId, text, replyMarkup, at: Date.now(), message });
    return message;
  }

  private answerCallbackQuery(params: Params): true {
    const id = typeof params.callback_query_id === 'string' ? params.callback_query_id : '';
    if (!id) throw new BotApiError(telegramError(400, 'Bad Request: QUERY_ID_INVALID'));
    if (this.expiredQueries.has(id)) {
      throw new BotApiError(
        telegramError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid'),
      );
    }
    this.answeredCallbackQueries.push({
      id,
      text: typeof params.text === 'string' ? params.text : undefined,
      at: Date.now(),
    });
    return true;
  }

  private setWebhook(params: Params): true {
    const url = typeof params.url === 'string' ? params.url : '';
    if (!url) {
      this.webhook = null;
      return true;
    }
    if (this.requireHttpsWebhook && !url.startsWith('https://')) {
      throw new BotApiError(telegramError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook'));
    }
    const secret = params.secret_token;
    if (secret !== undefined && (typeof secret !== 'string' || !SECRET_TOKEN.test(secret))) {
      throw new BotApiError(telegramError(400, 'Bad Request: secret token contains unallowed characters'));
    }
    const allowed = jsonParam(params.allowed_updates);
    this.webhook = {
      url,
      secretToken: secret,
      allowedUpdates: Array.isArray(allowed) ? allowed.map(String) : undefined,
      maxConnections: Number(params.max_connections ?? 40),
    };
    return true;
  }

  private webhookInfo(): Record<string, unknown> {
    if (!this.webhook) return { url: '', has_custom_certificate: false, pending_update_count: 0 };
    return {
      url: this.webhook.url,
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: this.webhook.maxConnections,
      ...(this.webhook.allowedUpdates ? { allowed_updates: this.webhook.allowedUpdates } : {}),
    };
  }
}

class BotApiError extends Error {
  constructor(readonly response: FakeResponse) {
    super('Bot API error');
  }
}

function methodOf(request: FakeRequest): string | undefined {
  return METHOD_PATH.exec(request.path)?.[2];
}

/** Query string and body together, as the Bot API reads them; form fields holding JSON are parsed. */
function paramsOf(request: FakeRequest): Params {
  const body = request.body && typeof request.body === 'object' && !('_unparsed' in request.body) ? request.body : {};
  return { ...Object.fromEntries(request.query), ...(body as Params) };
}

function jsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function checkReplyMarkup(value: unknown): InlineKeyboardMarkup | undefined {
  if (value === undefined) return undefined;
  const markup = jsonParam(value) as Partial<InlineKeyboardMarkup> | undefined;
  const rows = markup?.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw new BotApiError(telegramError(400, "Bad Request: can't parse reply keyboard markup JSON object"));
  }
  for (const button of rows.flat() as Array<{ text?: unknown; callback_data?: unknown }>) {
    if (typeof button?.text !== 'string' || !button.text) {
      throw new BotApiError(telegramError(400, 'Bad Request: inline keyboard button text must be non-empty'));
    }
    const data = button.callback_data;
    if (typeof data === 'string' && (data.length === 0 || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_DATA_BYTES)) {
      throw new BotApiError(telegramError(400, 'Bad Request: BUTTON_DATA_INVALID'));
    }
  }
  return markup as InlineKeyboardMarkup;
}

/**
 * Builds Updates as Telegram delivers them from a private chat: increasing update ids, per-chat message ids,
 * real field shapes. A button press is built from a message the fake actually sent, as a client presses it.
 */
export class TelegramUpdates {
  private nextUpdateId = 734500000 + Math.floor(Math.random() * 100000);
  private readonly nextMessageId = new Map<number, number>();

  user(id: number, firstName = 'Иван', lastName?: string, username?: string): User {
    return {
      id,
      is_bot: false,
      first_name: firstName,
      ...(lastName ? { last_name: lastName } : {}),
      ...(username ? { username } : {}),
      language_code: 'ru',
    };
  }

  text(from: User, text: string): Update {
    return this.message(from, { text });
  }

  /** The client shares a contact card; their own (request_contact button) unless `ownerId` says otherwise. */
  contact(from: User, phoneNumber: string, ownerId: number | undefined = from.id): Update {
    return this.message(from, {
      contact: {
        phone_number: phoneNumber,
        first_name: from.first_name,
        ...(ownerId !== undefined ? { user_id: ownerId } : {}),
      },
    });
  }

  voice(from: User, duration = 5): Update {
    return this.message(from, {
      voice: {
        duration,
        mime_type: 'audio/ogg',
        file_id: `AwACAgIAAxkBAAI${this.nextUpdateId}`,
        file_unique_id: `AgAD${this.nextUpdateId}`,
        file_size: 8000 + duration * 1000,
      },
    });
  }

  photo(from: User, caption?: string): Update {
    return this.message(from, {
      photo: [
        { file_id: 'AgACAgIAAxkBAAIBsmall', file_unique_id: 'AQADsmall', file_size: 1400, width: 90, height: 90 },
        { file_id: 'AgACAgIAAxkBAAIBlarge', file_unique_id: 'AQADlarge', file_size: 64000, width: 1280, height: 1280 },
      ],
      ...(caption ? { caption } : {}),
    });
  }

  /** A press on the button labelled `label` under a message the bot sent. */
  press(from: User, sent: SentTelegramMessage, label: string): Update {
    const button = sent.replyMarkup?.inline_keyboard.flat().find((candidate) => candidate.text === label) as
      { text: string; callback_data?: string } | undefined;
    if (!button?.callback_data) throw new Error(`no button "${label}" under message ${sent.messageId}`);
    return {
      update_id: this.nextUpdateId++,
      callback_query: {
        id: `${from.id}${this.nextUpdateId}`.slice(-19),
        from,
        message: sent.message,
        chat_instance: '-8915934372941276124',
        data: button.callback_data,
      },
    } as Update;
  }

  editedText(from: User, text: string): Update {
    const { message } = this.text(from, text) as { message: Message };
    return { update_id: this.nextUpdateId++, edited_message: { ...message, edit_date: message.date + 30 } } as Update;
  }

  /** The client blocked the bot: Telegram reports it as a my_chat_member update. */
  botKicked(from: User): Update {
    return {
      update_id: this.nextUpdateId++,
      my_chat_member: {
        chat: { id: from.id, first_name: from.first_name, type: 'private' },
        from,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: { id: 7000000001, is_bot: true, first_name: 'Салон Волна' }, status: 'member' },
        new_chat_member: {
          user: { id: 7000000001, is_bot: true, first_name: 'Салон Волна' },
          status: 'kicked',
          until_date: 0,
        },
      },
    } as Update;
  }

  private message(from: User, content: Record<string, unknown>): Update {
    const messageId = this.nextMessageId.get(from.id) ?? 1;
    this.nextMessageId.set(from.id, messageId + 1);
    return {
      update_id: this.nextUpdateId++,
      message: {
        message_id: messageId,
        from,
        chat: {
          id: from.id,
          first_name: from.first_name,
          ...(from.last_name ? { last_name: from.last_name } : {}),
          type: 'private',
        },
        date: Math.floor(Date.now() / 1000),
        ...content,
      },
    } as Update;
  }
}
