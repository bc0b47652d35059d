/**
 * `npm run bench:webhooks`: how fast the messenger webhooks accept events, and that every accepted event is
 * processed afterwards.
 *
 * Builds nothing itself (the npm script builds first), starts the built service on a fresh database with Telegram and
 * WhatsApp switched on and pointed at a local sink that answers like the providers' send APIs: an api process and
 * a worker process (BENCH_TOPOLOGY=split, the default), or one APP_ROLE=all process (BENCH_TOPOLOGY=all). Then, for BENCH_SECONDS (20) each, it
 * sends BENCH_RATE (300) requests per second with autocannon to
 *   1. POST /webhooks/telegram   valid secret header, a new update_id per request,
 *   2. POST /webhooks/whatsapp   a valid X-Hub-Signature-256 over each body, a new wamid per request,
 * prints req/s and p50/p99 of the answers (all 2xx, else the run fails), and waits until every stored event has
 * been processed (message stored and triaged), printing how long that took; at the end it waits until every reply
 * has been sent (replies keep the providers' rate limits: Telegram 1 message/s per chat, WhatsApp
 * WHATSAPP_RATE_PER_SEC) and prints that too.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { startReplySink } from './support/harness';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_RATE ?? 300);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 3998);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TEXTS = ['Здравствуйте, можно на маникюр завтра в 5?', 'сколько стоит стрижка?', 'где вы находитесь?'];
const CLIENTS = 2000;
const TOPOLOGY = process.env.BENCH_TOPOLOGY === 'all' ? 'all' : 'split';

const TELEGRAM_TOKEN = `123456:${randomBytes(18).toString('hex')}`;
const TELEGRAM_SECRET = randomBytes(16).toString('hex');
const WHATSAPP_SECRET = randomBytes(16).toString('hex');
const PHONE_NUMBER_ID = '100200300400';

interface Figures {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  drainSeconds: number;
}

let sequence = 0;
const nextClient = () => (sequence % CLIENTS) + 1;

function telegramUpdate(): string {
  sequence += 1;
  const user = 700000000 + nextClient();
  return JSON.stringify({
    update_id: 500000000 + sequence,
    message: {
      message_id: sequence,
      from: { id: user, is_bot: false, first_name: 'Клиент' },
      chat: { id: user, type: 'private', first_name: 'Клиент' },
      date: Math.floor(Date.now() / 1000),
      text: TEXTS[sequence % TEXTS.length],
    },
  });
}

function whatsappNotification(): string {
  sequence += 1;
  const waId = `7913${String(3000000 + nextClient())}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '900800700',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '79130000000', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: 'Клиент' }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: `wamid.bench${sequence}${randomBytes(4).toString('hex')}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  type: 'text',
                  text: { body: TEXTS[sequence % TEXTS.length] },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

async function run(
  name: string,
  url: string,
  request: () => { body: string; headers: Record<string, string> },
  db: Client,
  channel: string,
): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req) => {
          const { body, headers } = request();
          return { ...req, body, headers: { ...req.headers, 'content-type': 'application/json', ...headers } };
        },
      },
    ],
  });
  const started = Date.now();
  for (;;) {
    const { rows } = await db.query(
      'SELECT count(*) FILTER (WHERE processed_at IS NULL)::int AS pending FROM inbound_events WHERE channel = $1',
      [channel],
    );
    if (rows[0].pending === 0) break;
    if (Date.now() - started > 300_000) throw new Error(`${name}: ${rows[0].pending} events still unprocessed`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    drainSeconds: (Date.now() - started) / 1000,
  };
}

/** Waits until no reply is still queued, then returns what was stored and sent per channel. */
async function waitForReplies(db: Client) {
  const started = Date.now();
  for (;;) {
    const { rows } = await db.query<{
      channel: string;
      inbound: number;
      replied: number;
      failed: number;
      queued: number;
    }>(
      `SELECT channel, count(*) FILTER (WHERE direction = 'in')::int AS inbound,
              count(*) FILTER (WHERE direction = 'out' AND status = 'sent')::int AS replied,
              count(*) FILTER (WHERE direction = 'out' AND status = 'failed')::int AS failed,
              count(*) FILTER (WHERE direction = 'out' AND status = 'queued')::int AS queued
       FROM messages GROUP BY channel ORDER BY channel`,
    );
    if (rows.every((row) => row.queued === 0)) return rows;
    if (Date.now() - started > 900_000) throw new Error(`replies still queued: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function main(): Promise<void> {
  const database = `volna_bench_${randomBytes(3).toString('hex')}`;
  const sink = await startReplySink();
  const environment = {
    PATH: process.env.PATH ?? '',
    PORT: String(PORT),
    DATABASE_URL: `${PG}/${database}`,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: database,
    ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'error',
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    TELEGRAM_API_BASE: sink.url,
    WHATSAPP_TOKEN: randomBytes(16).toString('hex'),
    WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: WHATSAPP_SECRET,
    WHATSAPP_VERIFY_TOKEN: randomBytes(8).toString('hex'),
    WHATSAPP_GRAPH_BASE: `${sink.url}/v21.0`,
    ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
  };
  const roles = TOPOLOGY === 'all' ? ['all'] : ['api', 'worker'];
  const services = roles.map((role) =>
    spawn(process.execPath, [path.resolve(__dirname, '..', 'dist', 'src', 'main.js')], {
      env: { ...environment, APP_ROLE: role },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${PORT}`;
  const db = new Client({ connectionString: `${PG}/${database}` });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 150) throw new Error('the service did not start');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await db.connect();
    const telegram = await run(
      'telegram',
      `${base}/webhooks/telegram`,
      () => ({ body: telegramUpdate(), headers: { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET } }),
      db,
      'telegram',
    );
    const whatsapp = await run(
      'whatsapp',
      `${base}/webhooks/whatsapp`,
      () => {
        const body = whatsappNotification();
        const signature = createHmac('sha256', WHATSAPP_SECRET).update(body).digest('hex');
        return { body, headers: { 'x-hub-signature-256': `sha256=${signature}` } };
      },
      db,
      'whatsapp',
    );
    const repliesSince = Date.now();
    const replies = await waitForReplies(db);
    const repliesSeconds = (Date.now() - repliesSince) / 1000;

    console.log(
      `\nbench:webhooks  ${SECONDS}s per webhook at ${RATE} req/s offered, ${CONNECTIONS} connections, ${roles.map((r) => `APP_ROLE=${r}`).join(' + ')}, node ${process.version}`,
    );
    console.log('webhook    requests   req/s   p50 ms  p99 ms  non-2xx  all processed after');
    for (const f of [telegram, whatsapp]) {
      console.log(
        `${f.name.padEnd(10)} ${String(f.requests).padStart(8)} ${f.rps.toFixed(0).padStart(7)} ${String(f.p50).padStart(8)} ${String(f.p99).padStart(7)} ${String(f.non2xx).padStart(8)}  ${f.drainSeconds.toFixed(1)} s`,
      );
    }
    for (const row of replies) {
      console.log(`${row.channel}: ${row.inbound} messages stored, ${row.replied} replies sent, ${row.failed} failed`);
    }
    console.log(`every reply sent ${repliesSeconds.toFixed(1)} s after the last event was processed`);
    if (telegram.non2xx + whatsapp.non2xx > 0) process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    for (const service of services) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('exit', resolve));
    }
    sink.server.close();
    const admin = new Client({ connectionString: `${PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
