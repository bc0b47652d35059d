import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

type Params = Record<string, string>;

export interface SentVkMessage {
  messageId: number;
  peerId: number;
  text: string;
  randomId: number;
  /** The keyboard as VK received it (parsed JSON), when there was one. */
  keyboard?: any;
  at: number;
}

/** VK API error texts as the API writes them. */
export const VK_ERRORS: Record<number, string> = {
  1: 'Unknown error occurred',
  5: 'User authorization failed: invalid access_token (4).',
  6: 'Too many requests per second',
  8: 'Invalid request: v (version) is required',
  9: 'Flood control',
  10: 'Internal server error',
  14: 'Captcha needed',
  15: 'Access denied',
  27: 'Group authorization failed: method is unavailable with group auth.',
  100: 'One of the parameters specified was missing or invalid',
  900: "Can't send messages for users from blacklist",
  901: "Can't send messages for users without permission",
  902: "Can't send messages to this user due to their privacy settings",
  911: 'Keyboard format is invalid',
  912: 'This is a chat bot feature, change this status in settings',
  914: 'Message is too long',
};

/**
 * A VK API error as VK answers it: HTTP 200, `{error: {error_code, error_msg, request_params}}`. The echoed
 * request parameters never include the access token.
 */
export function vkError(code: number, params: Params = {}, method = 'messages.send'): FakeResponse {
  const echoed = Object.entries({ method, oauth: '1', ...params })
    .filter(([key]) => key !== 'access_token' && key !== 'message' && key !== 'keyboard')
    .map(([key, value]) => ({ key, value }));
  return {
    status: 200,
    body: { error: { error_code: code, error_msg: VK_ERRORS[code] ?? 'Unknown error', request_params: echoed } },
  };
}

const MAX_MESSAGE_CHARS = 9000;
const MAX_LABEL_CHARS = 40;
const MAX_PAYLOAD_CHARS = 255;

class VkMethodError extends Error {
  constructor(readonly code: number) {
    super(VK_ERRORS[code]);
  }
}

/**
 * The VK API as a community token sees it: POST form-encoded `/method/<name>`, HTTP 200 with `{response}` or
 * `{error}`. messages.send checks the token and version, needs peer_id, random_id and a message, validates an
 * inline keyboard as VK does (error 911) and honours random_id like VK: the same random_id to the same peer
 * returns the first message's id and sends nothing. Clients who cannot receive (901, 902, 900) are set per peer;
 * one-off errors (6, 9, 10, 5, ...) and hangs are scripted with `failWith` / `failNext`.
 */
export class FakeVk extends FakeHttpServer {
  readonly sent: SentVkMessage[] = [];
  private readonly byRandomId = new Map<string, SentVkMessage>();
  private readonly unreachable = new Map<number, number>();
  private nextMessageId = 4522;

  constructor(
    readonly token = `vk1.a.${randomBytes(24).toString('base64url')}`,
    readonly groupId = 218000000,
  ) {
    super();
    this.route('POST', /^\/method\/[A-Za-z.]+$/, (request) => this.serveMethod(request));
  }

  /** VK_API_BASE for the app, given the address start() returned. */
  apiBase(base: string): string {
    return `${base}/method`;
  }

  /** The next `times` calls of messages.send answer with this VK error code. */
  failWith(code: number, times = 1): void {
    this.failNext(vkError(code), times, isSend);
  }

  /** messages.send to this peer fails with `code` (901: never allowed messages, 902: privacy, 900: blacklist). */
  makeUnreachable(peerId: number, code: 900 | 901 | 902 = 901): void {
    this.unreachable.set(peerId, code);
  }

  /** Calls of messages.send that reached the fake (sent, deduplicated or refused). */
  sendCalls(): FakeRequest[] {
    return this.requests.filter(isSend);
  }

  messagesTo(peerId: number | string): SentVkMessage[] {
    return this.sent.filter((m) => m.peerId === Number(peerId));
  }

  private serveMethod(request: FakeRequest): FakeResponse {
    const method = request.path.slice('/method/'.length);
    const params: Params = request.body && typeof request.body === 'object' ? request.body : {};
    if (!(request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
      return vkError(100, {}, method);
    }
    if (params.access_token !== this.token) return vkError(5, params, method);
    if (!params.v) return vkError(8, params, method);
    if (method !== 'messages.send') return vkError(3, params, method);
    try {
      return { status: 200, body: { response: this.send(params) } };
    } catch (error) {
      if (error instanceof VkMethodError) return vkError(error.code, params, method);
      throw error;
    }
  }

  private send(params: Params): number {
    const peerId = Number(params.peer_id);
    if (!params.peer_id || !Number.isSafeInteger(peerId)) throw new VkMethodError(100);
    if (params.random_id === undefined || !/^-?\d+$/.test(params.random_id)) throw new VkMethodError(100);
    const randomId = Number(params.random_id);
    if (randomId < -2147483648 || randomId > 2147483647) throw new VkMethodError(100);
    const text = params.message ?? '';
    if (!text) throw new VkMethodError(100);
    if (text.length > MAX_MESSAGE_CHARS) throw new VkMethodError(914);
    const keyboard = params.keyboard === undefined ? undefined : parseKeyboard(params.keyboard);

    const blocked = this.unreachable.get(peerId);
    if (blocked) throw new VkMethodError(blocked);
    const key = `${peerId}:${randomId}`;
    const earlier = randomId === 0 ? undefined : this.byRandomId.get(key);
    if (earlier) return earlier.messageId;

    const message: SentVkMessage = {
      messageId: this.nextMessageId++,
      peerId,
      text,
      randomId,
      keyboard,
      at: Date.now(),
    };
    this.sent.push(message);
    if (randomId !== 0) this.byRandomId.set(key, message);
    return message.messageId;
  }
}

/** VK's keyboard rules for text buttons: JSON, inline at most 6 rows of 5 and 10 buttons, label ≤ 40, payload ≤ 255. */
function parseKeyboard(raw: string): any {
  let keyboard: any;
  try {
    keyboard = JSON.parse(raw);
  } catch {
    throw new VkMethodError(911);
  }
  const rows = keyboard?.buttons;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw new VkMethodError(911);
  const buttons = rows.flat();
  if (keyboard.inline && (rows.length > 6 || buttons.length > 10 || rows.some((row: unknown[]) => row.length > 5))) {
    throw new VkMethodError(911);
  }
  for (const button of buttons) {
    const action = button?.action;
    if (action?.type !== 'text' || typeof action.label !== 'string' || !action.label) throw new VkMethodError(911);
    if ([...action.label].length > MAX_LABEL_CHARS) throw new VkMethodError(911);
    if (action.payload !== undefined) {
      if (typeof action.payload !== 'string' || action.payload.length > MAX_PAYLOAD_CHARS) throw new VkMethodError(911);
      try {
        JSON.parse(action.payload);
      } catch {
        throw new VkMethodError(911);
      }
    }
  }
  return keyboard;
}

function isSend(request: FakeRequest): boolean {
  return request.path === '/method/messages.send';
}

// Callback API payloads, as VK posts them to the community's server.

export interface CallbackOptions {
  groupId?: number;
  secret?: string;
  eventId?: string;
  v?: string;
}

/** A fresh event_id in VK's format (40 hex characters). */
export function vkEventId(): string {
  return randomBytes(20).toString('hex');
}

export function vkCallback(type: string, object: unknown, options: CallbackOptions = {}): Record<string, unknown> {
  return {
    group_id: options.groupId ?? 218000000,
    type,
    event_id: options.eventId ?? vkEventId(),
    v: options.v ?? '5.199',
    object,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
  };
}

export function vkConfirmation(options: { groupId?: number; secret?: string } = {}): Record<string, unknown> {
  return {
    type: 'confirmation',
    group_id: options.groupId ?? 218000000,
    ...(options.secret === undefined ? {} : { secret: options.secret }),
  };
}

let conversationMessageId = 100;

export interface IncomingVkMessage {
  fromId: number;
  text?: string;
  peerId?: number;
  id?: number;
  conversationMessageId?: number;
  payload?: string;
  attachments?: unknown[];
}

/** A `message_new` event: a client wrote to the community (private dialog unless peerId says otherwise). */
export function vkMessageNew(message: IncomingVkMessage, options: CallbackOptions = {}): Record<string, unknown> {
  conversationMessageId += 1;
  return vkCallback(
    'message_new',
    {
      message: {
        date: Math.floor(Date.now() / 1000),
        from_id: message.fromId,
        id: message.id ?? conversationMessageId + 1000,
        out: 0,
        attachments: message.attachments ?? [],
        conversation_message_id: message.conversationMessageId ?? conversationMessageId,
        fwd_messages: [],
        important: false,
        is_hidden: false,
        peer_id: message.peerId ?? message.fromId,
        random_id: 0,
        text: message.text ?? '',
        ...(message.payload === undefined ? {} : { payload: message.payload }),
      },
      client_info: {
        button_actions: ['text', 'vkpay', 'open_app', 'location', 'open_link', 'callback', 'intent_subscribe'],
        keyboard: true,
        inline_keyboard: true,
        carousel: true,
        lang_id: 0,
      },
    },
    options,
  );
}
