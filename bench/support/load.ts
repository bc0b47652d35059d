/**
 * The load both peak benches drive: webchat, Telegram and WhatsApp webhooks (valid secrets and signatures) from many
 * clients, texts from the labelled corpus, sent open-loop at a fixed rate. A request that is not answered 2xx within
 * PROVIDER_TIMEOUT_MS is sent again with the same message id, as the providers retry: once at once by default, or
 * after each of `retryDelaysMs` (bench:chaos retries over a minute, as Telegram and Meta keep retrying for hours).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const PROVIDER_TIMEOUT_MS = Number(process.env.BENCH_PROVIDER_TIMEOUT_MS ?? 10_000);
const CORPUS = process.env.BENCH_CORPUS ?? '/work/shared/corpus/triage-dev.jsonl';

export interface Secrets {
  telegramSecret: string;
  whatsappAppSecret: string;
  phoneNumberId: string;
}

export const newSecrets = (): Secrets => ({
  telegramSecret: randomBytes(16).toString('hex'),
  whatsappAppSecret: randomBytes(16).toString('hex'),
  phoneNumberId: '100200300400',
});

export type Channel = 'webchat' | 'telegram' | 'whatsapp';

/** One client message as a provider would deliver it; `key` is the provider's message id. */
export interface Delivery {
  channel: Channel;
  key: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  offered: number;
  accepted: number;
  /** Not 2xx even after the provider's one retry: the provider gives up on these. */
  rejected: number;
  retried: number;
  acceptedKeys: Set<string>;
  sendSeconds: number;
  answerP50: number;
  answerP99: number;
}

const texts = readFileSync(CORPUS, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => (JSON.parse(line) as { text: string }).text)
  .filter((text) => text.trim().length > 0);

const run = randomBytes(3).toString('hex');
let sequence = 0;

/** Message `index` of a run over `clients` clients numbered from `firstClient`; a client keeps one channel. */
export function delivery(index: number, firstClient: number, clients: number, secrets: Secrets): Delivery {
  sequence += 1;
  const client = firstClient + (index % clients);
  const text = texts[(index * 7 + client) % texts.length];
  const channel = (['webchat', 'telegram', 'whatsapp'] as const)[client % 3];
  if (channel === 'webchat') {
    const key = `m-${run}-${sequence}`;
    const phone = client % 2 === 0 ? { phone: `+7913${String(1_000_000 + client).slice(-7)}`, name: 'Клиент' } : {};
    return json(
      channel,
      key,
      '/api/v1/webchat/messages',
      {},
      {
        sessionId: `s-${run}-${client}`,
        clientMessageId: key,
        text,
        ...phone,
      },
    );
  }
  if (channel === 'telegram') {
    const user = 700_000_000 + client;
    const updateId = 500_000_000 + sequence;
    return json(
      channel,
      `tg-${updateId}`,
      '/webhooks/telegram',
      { 'x-telegram-bot-api-secret-token': secrets.telegramSecret },
      {
        update_id: updateId,
        message: {
          message_id: sequence,
          from: { id: user, is_bot: false, first_name: 'Клиент' },
          chat: { id: user, type: 'private', first_name: 'Клиент' },
          date: Math.floor(Date.now() / 1000),
          text,
        },
      },
    );
  }
  const waId = `7923${String(1_000_000 + client).slice(-7)}`;
  const id = `wamid.peak${run}${sequence}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '900800700',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '79130000000', phone_number_id: secrets.phoneNumberId },
              contacts: [{ profile: { name: 'Клиент' }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: text },
                },
              ],
            },
          },
        ],
      },
    ],
  });
  const signature = createHmac('sha256', secrets.whatsappAppSecret).update(body).digest('hex');
  return {
    channel,
    key: id,
    path: '/webhooks/whatsapp',
    headers: { 'x-hub-signature-256': `sha256=${signature}` },
    body,
  };
}

function json(channel: Channel, key: string, path: string, headers: Record<string, string>, body: unknown): Delivery {
  return { channel, key, path, headers, body: JSON.stringify(body) };
}

async function post(base: string, d: Delivery): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${d.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...d.headers },
      body: d.body,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { ok: response.status >= 200 && response.status < 300, ms: performance.now() - started };
  } catch {
    return { ok: false, ms: performance.now() - started };
  }
}

/** Sends `rate` messages a second for `seconds` to `base` and waits for every answer (or the provider's give-up). */
export async function drive(
  base: string,
  rate: number,
  seconds: number,
  firstClient: number,
  clients: number,
  secrets: Secrets,
  retryDelaysMs: number[] = [0],
): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const result: LoadResult = {
    offered: total,
    accepted: 0,
    rejected: 0,
    retried: 0,
    acceptedKeys: new Set(),
    sendSeconds: 0,
    answerP50: 0,
    answerP99: 0,
  };
  const answers: number[] = [];
  const started = Date.now();
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const d = delivery(i, firstClient, clients, secrets);
    posts.push(
      (async () => {
        let answer = await post(base, d);
        answers.push(answer.ms);
        for (const delay of retryDelaysMs) {
          if (answer.ok) break;
          result.retried += 1;
          await new Promise((resolve) => setTimeout(resolve, delay));
          answer = await post(base, d);
        }
        if (answer.ok) {
          result.accepted += 1;
          result.acceptedKeys.add(d.key);
        } else result.rejected += 1;
      })(),
    );
  }
  result.sendSeconds = (Date.now() - started) / 1000;
  await Promise.all(posts);
  answers.sort((a, b) => a - b);
  result.answerP50 = percentile(answers, 50);
  result.answerP99 = percentile(answers, 99);
  return result;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}
