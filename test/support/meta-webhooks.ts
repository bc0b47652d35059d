import { createHmac, randomBytes } from 'node:crypto';
import { request, type JsonResponse } from './http';

/** Posts `body` as Meta does: the exact bytes, signed with X-Hub-Signature-256 (or a given/absent header). */
export function postMetaWebhook(
  url: string,
  body: unknown,
  appSecret: string,
  options: { signature?: string | null } = {},
): Promise<JsonResponse> {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = options.signature === undefined ? metaSignature(rawBody, appSecret) : options.signature;
  return request(url, {
    method: 'POST',
    rawBody,
    headers: {
      'user-agent': 'facebookexternalua',
      ...(signature === null ? {} : { 'x-hub-signature-256': signature }),
    },
  });
}

export function metaSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(++sequence).toString(36)}${randomBytes(6).toString('hex')}`;

/** A random Russian mobile wa_id (79xxxxxxxxx): the phone number WhatsApp ids are. */
export function randomWaId(): string {
  return `79${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

export function wamid(): string {
  return `wamid.HBgL${Buffer.from(unique()).toString('base64')}`;
}

export interface WaInbound {
  waId: string;
  name?: string;
  /** Default: a text message with this body. */
  text?: string;
  id?: string;
  /** A full message object instead (type and its body). */
  message?: Record<string, unknown>;
}

/** `messages` change values: contacts + messages as the Cloud API sends them. */
export function waMessagesValue(phoneNumberId: string, inbound: WaInbound[]): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '79001234567', phone_number_id: phoneNumberId },
    contacts: inbound.map((m) => ({ profile: { name: m.name ?? 'Клиент' }, wa_id: m.waId })),
    messages: inbound.map((m) => ({
      from: m.waId,
      id: m.id ?? wamid(),
      timestamp: String(Math.floor(Date.now() / 1000)),
      ...(m.message ?? { type: 'text', text: { body: m.text ?? 'Здравствуйте' } }),
    })),
  };
}

export function waStatusesValue(
  phoneNumberId: string,
  statuses: Array<{ id: string; status: string; waId: string; error?: { code: number; title: string } }>,
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '79001234567', phone_number_id: phoneNumberId },
    statuses: statuses.map((s) => ({
      id: s.id,
      status: s.status,
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: s.waId,
      ...(s.error ? { errors: [{ ...s.error, message: s.error.title, error_data: { details: s.error.title } }] } : {}),
    })),
  };
}

/** A whatsapp_business_account webhook with one entry per value (each a `messages` change). */
export function waWebhook(...values: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: values.map((value) => ({ id: '102290129340398', changes: [{ value, field: 'messages' }] })),
  };
}

export function igMid(): string {
  return `aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj${Buffer.from(unique()).toString('base64url')}`;
}

export function randomIgsid(): string {
  return `55${String(Math.floor(Math.random() * 1e14)).padStart(14, '0')}`;
}

/** One `messaging[]` item from a client to our account. */
export function igMessage(
  accountId: string,
  senderId: string,
  message: Record<string, unknown> = { text: 'Здравствуйте' },
): Record<string, unknown> {
  return {
    sender: { id: senderId },
    recipient: { id: accountId },
    timestamp: Date.now(),
    message: { mid: igMid(), ...message },
  };
}

/** An instagram webhook with one entry per list of messaging items. */
export function igWebhook(
  accountId: string,
  ...entries: Array<Array<Record<string, unknown>>>
): Record<string, unknown> {
  return {
    object: 'instagram',
    entry: entries.map((messaging) => ({ id: accountId, time: Date.now(), messaging })),
  };
}
