/**
 * The naive design many small integrations use, for bench:baseline only (not part of the product): the webhook
 * handler files the lead in Bitrix24 inside the request (find the contact, create it if missing, create the lead),
 * then sends the reply, then answers 200. No queue, no retry, no idempotency: a CRM error answers 500 and the
 * provider's retry files the lead again.
 *
 * Env: PORT, BITRIX24_WEBHOOK_URL, REPLY_API_BASE, TELEGRAM_WEBHOOK_SECRET, WHATSAPP_APP_SECRET.
 * GET /stats gives, per message id, when it first arrived, when its lead was created and its reply sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const CRM = process.env.BITRIX24_WEBHOOK_URL ?? '';
const REPLIES = process.env.REPLY_API_BASE ?? '';
const TELEGRAM_SECRET = process.env.TELEGRAM_WEBHOOK_SECRET ?? '';
const WHATSAPP_SECRET = process.env.WHATSAPP_APP_SECRET ?? '';

interface Inbound {
  key: string;
  channel: string;
  text: string;
  phone?: string;
  name?: string;
  replyTo?: string;
}

interface Timing {
  receivedAt: number;
  crmAt?: number;
  replyAt?: number;
}

const timings = new Map<string, Timing>();
let inFlight = 0;
let peakInFlight = 0;

async function bitrix(method: string, params: unknown): Promise<any> {
  const response = await fetch(`${CRM}${method}.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body: any = await response.json();
  if (!response.ok || body.error) throw new Error(`${method}: ${response.status} ${body.error ?? ''}`);
  return body.result;
}

async function fileLead(message: Inbound): Promise<void> {
  let contactId: number | undefined;
  if (message.phone) {
    const found = await bitrix('crm.duplicate.findbycomm', { type: 'PHONE', values: [message.phone] });
    contactId = found?.CONTACT?.[0];
    contactId ??= await bitrix('crm.contact.add', {
      fields: { NAME: message.name ?? 'Клиент', PHONE: [{ VALUE: message.phone, VALUE_TYPE: 'MOBILE' }] },
    });
  }
  await bitrix('crm.lead.add', {
    fields: {
      TITLE: `Заявка из ${message.channel}`,
      ORIGIN_ID: message.key,
      COMMENTS: message.text,
      ...(contactId ? { CONTACT_ID: contactId } : {}),
    },
  });
}

async function reply(message: Inbound): Promise<void> {
  const text = 'Спасибо! Мы получили ваше сообщение и скоро ответим.';
  if (message.channel === 'webchat') return;
  const [url, body] =
    message.channel === 'telegram'
      ? [`${REPLIES}/botnaive/sendMessage`, { chat_id: message.replyTo, text }]
      : [`${REPLIES}/v21.0/100/messages`, { messaging_product: 'whatsapp', to: message.replyTo, text: { body: text } }];
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`reply: ${response.status}`);
}

function parse(path: string, raw: string, headers: IncomingMessage['headers']): Inbound | null {
  const body = JSON.parse(raw);
  if (path === '/api/v1/webchat/messages') {
    return { key: body.clientMessageId, channel: 'webchat', text: body.text, phone: body.phone, name: body.name };
  }
  if (path === '/webhooks/telegram') {
    if (headers['x-telegram-bot-api-secret-token'] !== TELEGRAM_SECRET) return null;
    const m = body.message;
    return { key: `tg-${body.update_id}`, channel: 'telegram', text: m.text, replyTo: String(m.chat.id) };
  }
  if (path === '/webhooks/whatsapp') {
    const expected = Buffer.from(`sha256=${createHmac('sha256', WHATSAPP_SECRET).update(raw).digest('hex')}`);
    const given = Buffer.from(String(headers['x-hub-signature-256'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const value = body.entry[0].changes[0].value;
    const m = value.messages[0];
    return { key: m.id, channel: 'whatsapp', text: m.text.body, phone: `+${m.from}`, replyTo: m.from };
  }
  return null;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = request.url ?? '/';
  if (request.method === 'GET' && path === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return void response.end(JSON.stringify({ peakInFlight, timings: Object.fromEntries(timings) }));
  }
  if (request.method === 'GET' && path === '/health') return void response.writeHead(200).end('ok');
  let raw = '';
  for await (const chunk of request) raw += chunk;
  const message = parse(path, raw, request.headers);
  if (!message) return void response.writeHead(401).end();
  const timing = timings.get(message.key) ?? { receivedAt: Date.now() };
  timings.set(message.key, timing);
  inFlight += 1;
  peakInFlight = Math.max(peakInFlight, inFlight);
  try {
    await fileLead(message);
    timing.crmAt ??= Date.now();
    await reply(message);
    timing.replyAt ??= Date.now();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } catch {
    response.writeHead(500).end();
  } finally {
    inFlight -= 1;
  }
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => {
    if (!response.headersSent) response.writeHead(400).end();
  });
});
server.listen(Number(process.env.PORT ?? 3995), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
