/**
 * `npm run bench:peak`: a peak of client messages against the built service, with a faulty CRM.
 *
 * Starts dist/src/main.js on a fresh database (BENCH_TOPOLOGY=all: one APP_ROLE=all process; =split: an api and two
 * workers; =both, the default: one after the other), with Telegram and WhatsApp replies going to a local sink and
 * Bitrix24 being a fake that answers in 300 ms and fails 20 % of calls (QUERY_LIMIT_EXCEEDED, 500, 502 html, hang,
 * created-then-dropped). Then it sends a burst of BENCH_RATE (50) messages a second for BENCH_SECONDS (60) across
 * the webchat, Telegram and WhatsApp webhooks from BENCH_CLIENTS (1500) clients with corpus texts, and raises the
 * rate ×BENCH_STEP_FACTOR (1.5) for BENCH_STEPS (3) more steps of BENCH_STEP_SECONDS (30), each on new clients,
 * waiting after each until all work is done (at most BENCH_DRAIN_TIMEOUT_S, 600). It stops raising at the first
 * step with a loss. Prints per step: accepted, lost, CRM duplicates, first reply and time to CRM percentiles, peak
 * backlog and drain time, dead letters, retries, peak RSS per process; and the highest rate held with zero loss.
 * Exits non-zero when anything was lost or duplicated.
 *
 * Assumed provider tiers: WhatsApp Cloud API at its default 80 messages/s (BENCH_WHATSAPP_RATE), Bitrix24 REST
 * at BENCH_BITRIX_RATE (50) requests/s: a cloud portal's 2/s would make any peak a 30-minute drain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import {
  crmDuplicates,
  held,
  printFigures,
  RssSampler,
  startFaultyBitrix,
  startReplySink,
  waitUntil,
  type PeakFigures,
} from './naive/harness';
import { drive, newSecrets, percentile, type LoadResult } from './naive/load';

export const RATE = Number(process.env.BENCH_RATE ?? 50);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
export const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1500);
export const STEPS = Number(process.env.BENCH_STEPS ?? 3);
export const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 30);
export const STEP_FACTOR = Number(process.env.BENCH_STEP_FACTOR ?? 1.5);
export const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 600) * 1000;
const PORT = Number(process.env.BENCH_PORT ?? 3996);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WHATSAPP_RATE = process.env.BENCH_WHATSAPP_RATE ?? '80';
const BITRIX_RATE = process.env.BENCH_BITRIX_RATE ?? '50';
const QUEUE_CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 5);
const TRIAGE_CONCURRENCY = Number(process.env.BENCH_TRIAGE_CONCURRENCY ?? 10);

/** The steps of a run: the burst, then each raised rate. */
export function plan(): Array<{ rate: number; seconds: number }> {
  return [
    { rate: RATE, seconds: SECONDS },
    ...Array.from({ length: STEPS }, (_, k) => ({
      rate: Math.round(RATE * STEP_FACTOR ** (k + 1)),
      seconds: STEP_SECONDS,
    })),
  ];
}

/** Work still to do, reminders (due days later) aside. */
const PENDING = `SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic <> 'reminder.send'`;

async function startServices(database: string, crmUrl: string, sinkUrl: string, topology: 'all' | 'split') {
  const secrets = newSecrets();
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(PORT),
    DATABASE_URL: `${PG}/${database}`,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: database,
    ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'error',
    TRIAGE_CLASSIFIER: 'rules',
    QUEUE_CONCURRENCY: String(QUEUE_CONCURRENCY),
    TRIAGE_CONCURRENCY: String(TRIAGE_CONCURRENCY),
    DATABASE_POOL_SIZE: String(QUEUE_CONCURRENCY * 8 + TRIAGE_CONCURRENCY + 5),
    CRM_PROVIDER: 'bitrix24',
    BITRIX24_WEBHOOK_URL: crmUrl,
    BITRIX24_RATE_PER_SEC: BITRIX_RATE,
    CRM_HTTP_TIMEOUT_MS: '2000',
    CRM_REDRIVE_ENABLED: 'false', // dead letters stay final, so the bench can count them
    TELEGRAM_BOT_TOKEN: `123456:${randomBytes(18).toString('hex')}`,
    TELEGRAM_WEBHOOK_SECRET: secrets.telegramSecret,
    TELEGRAM_API_BASE: sinkUrl,
    WHATSAPP_TOKEN: randomBytes(16).toString('hex'),
    WHATSAPP_PHONE_NUMBER_ID: secrets.phoneNumberId,
    WHATSAPP_APP_SECRET: secrets.whatsappAppSecret,
    WHATSAPP_VERIFY_TOKEN: randomBytes(8).toString('hex'),
    WHATSAPP_GRAPH_BASE: `${sinkUrl}/v21.0`,
    WHATSAPP_RATE_PER_SEC: WHATSAPP_RATE,
    ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
  };
  const roles = topology === 'all' ? ['all'] : ['api', 'worker', 'worker'];
  const services = roles.map((role, i) => ({
    name: topology === 'all' ? 'all' : i === 0 ? 'api' : `worker${i}`,
    child: spawn(process.execPath, [path.resolve(__dirname, '..', 'dist', 'src', 'main.js')], {
      env: { ...env, APP_ROLE: role },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  }));
  const base = `http://127.0.0.1:${PORT}`;
  await waitUntil(
    () =>
      fetch(`${base}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
    () => 'the service did not become ready within 60 s',
  );
  return { services, base, secrets };
}

async function stopServices(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** The step's figures from the database, for rows created since `since` (the previous step has drained). */
async function measure(
  db: Client,
  since: Date,
  load: LoadResult,
  fake: Awaited<ReturnType<typeof startFaultyBitrix>>['fake'],
  duplicatesBefore: number,
): Promise<Omit<PeakFigures, 'label' | 'rate' | 'peakBacklog' | 'drainSeconds' | 'rssMb'>> {
  const notes: string[] = [];
  const one = async (sql: string) => Number((await db.query(sql, [since])).rows[0].n);
  const stored = await one(`SELECT count(*) AS n FROM messages WHERE direction = 'in' AND created_at >= $1`);
  const untriaged = await one(
    `SELECT count(*) AS n FROM messages WHERE direction = 'in' AND created_at >= $1 AND triage IS NULL`,
  );
  // A conversation the bot talked in (anything but spam) must have had a reply delivered.
  const unanswered = await one(`
    SELECT count(*) AS n FROM conversations c WHERE c.created_at >= $1
      AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
                  AND m.triage->>'intent' IS DISTINCT FROM 'spam')
      AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.conversation_id = c.id AND o.direction = 'out' AND o.sent_at IS NOT NULL)`);
  const repliesUndelivered = await one(`
    SELECT count(*) AS n FROM messages o WHERE o.direction = 'out' AND o.created_at >= $1 AND o.sent_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.topic = 'reply.send' AND d.payload->>'messageId' = o.id::text)`);
  const leads = await db.query<{ id: string; crm_status: string; dead: boolean }>(
    `SELECT l.id, l.crm_status,
            EXISTS (SELECT 1 FROM dead_letters d WHERE d.topic = 'crm.sync' AND d.payload->>'leadId' = l.id::text) AS dead
     FROM leads l WHERE l.created_at >= $1`,
    [since],
  );
  const { duplicates, originIds } = crmDuplicates(fake);
  const leadsLost = leads.rows.filter((l) => !originIds.has(l.id) && !l.dead).length;
  const deliveredNotInCrm = leads.rows.filter((l) => l.crm_status === 'delivered' && !originIds.has(l.id)).length;
  const ingestLost = Math.max(0, load.accepted - stored);
  const lost = ingestLost + untriaged + unanswered + repliesUndelivered + leadsLost;
  if (ingestLost) notes.push(`${ingestLost} accepted messages never stored`);
  if (untriaged) notes.push(`${untriaged} stored messages never triaged`);
  if (unanswered) notes.push(`${unanswered} conversations without any delivered reply`);
  if (repliesUndelivered) notes.push(`${repliesUndelivered} replies neither sent nor dead-lettered`);
  if (leadsLost) notes.push(`${leadsLost} of ${leads.rows.length} leads neither in the CRM nor dead-lettered`);
  if (deliveredNotInCrm) notes.push(`${deliveredNotInCrm} leads marked delivered but absent from the CRM`);

  const firstReply = (
    await db.query<{ ms: number }>(
      // From the first message the bot answers (spam gets no reply), else a spam opener would count the wait for
      // the client's next message.
      `SELECT EXTRACT(EPOCH FROM (min(o.sent_at) - min(m.created_at))) * 1000 AS ms
       FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.direction = 'in'
         AND m.triage->>'intent' IS DISTINCT FROM 'spam'
       JOIN messages o ON o.conversation_id = c.id AND o.direction = 'out' AND o.sent_at IS NOT NULL
       WHERE c.created_at >= $1 GROUP BY c.id`,
      [since],
    )
  ).rows
    .map((r) => Number(r.ms))
    .sort((a, b) => a - b);
  const toCrm = (
    await db.query<{ ms: number }>(
      `SELECT EXTRACT(EPOCH FROM (min(o.completed_at) - l.created_at)) * 1000 AS ms
       FROM leads l JOIN outbox o ON o.topic = 'crm.sync' AND o.status = 'done' AND o.payload->>'leadId' = l.id::text
       WHERE l.created_at >= $1 GROUP BY l.id`,
      [since],
    )
  ).rows
    .map((r) => Number(r.ms))
    .sort((a, b) => a - b);
  const deadLetters = await one(`SELECT count(*) AS n FROM dead_letters WHERE created_at >= $1`);
  const retries = (
    await db.query<{ avg: string | null }>(
      `SELECT avg(GREATEST(attempts - 1, 0)) AS avg FROM outbox
       WHERE topic = 'crm.sync' AND status IN ('done', 'dead') AND created_at >= $1`,
      [since],
    )
  ).rows[0].avg;
  const reasons = await db.query(
    `SELECT topic, reason, left(regexp_replace(last_error, '[0-9]+', 'N', 'g'), 100) AS error, count(*)::int AS n
     FROM dead_letters WHERE created_at >= $1 GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 4`,
    [since],
  );
  for (const r of reasons.rows) notes.push(`dead letter ${r.n} × ${r.topic} ${r.reason}: ${r.error}`);
  return {
    offered: load.offered,
    accepted: load.accepted,
    rejected: load.rejected,
    lost,
    duplicates: duplicates - duplicatesBefore,
    firstReply: {
      p50: percentile(firstReply, 50),
      p95: percentile(firstReply, 95),
      p99: percentile(firstReply, 99),
    },
    toCrm: { p50: percentile(toCrm, 50), p95: percentile(toCrm, 95) },
    deadLetterPct: load.accepted ? (deadLetters / load.accepted) * 100 : 0,
    avgRetries: Number(retries ?? 0),
    notes,
  };
}

/** Runs the burst and the raised steps against one topology; stops raising at the first step that loses. */
export async function runProduct(topology: 'all' | 'split', steps = plan()): Promise<PeakFigures[]> {
  const database = `volna_bench_peak_${randomBytes(3).toString('hex')}`;
  const crm = await startFaultyBitrix();
  const sink = await startReplySink();
  const { services, base, secrets } = await startServices(database, crm.url, sink.url, topology).catch(
    async (error: unknown) => {
      await crm.fake.stop();
      sink.server.close();
      throw error;
    },
  );
  const db = new Client({ connectionString: `${PG}/${database}` });
  const figures: PeakFigures[] = [];
  try {
    await db.connect();
    let duplicatesBefore = 0;
    for (const [k, step] of steps.entries()) {
      const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0].now;
      const rss = new RssSampler();
      rss.start(services.map((s) => ({ name: s.name, pid: s.child.pid })));
      let peakBacklog = 0;
      const backlog = async () => {
        const n = Number((await db.query(PENDING)).rows[0].n);
        peakBacklog = Math.max(peakBacklog, n);
        return n;
      };
      const sampler = setInterval(() => void backlog().catch(() => undefined), 1000);
      const label = `${topology} ${k === 0 ? 'burst' : `step ${k}`}`;
      console.log(`${label}: ${step.rate} msg/s for ${step.seconds} s...`);
      let drainSeconds = NaN;
      let timedOut = '';
      let load: LoadResult;
      try {
        load = await drive(base, step.rate, step.seconds, k * CLIENTS + 1, CLIENTS, secrets);
        const sent = Date.now();
        let pendingByTopic = '';
        await waitUntil(
          async () => {
            const { rows } = await db.query<{ topic: string; n: number }>(
              `SELECT topic, count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic <> 'reminder.send'
               GROUP BY topic UNION ALL
               SELECT 'inbound events', count(*)::int FROM inbound_events WHERE processed_at IS NULL`,
            );
            const open = rows.filter((r) => r.n > 0);
            pendingByTopic = open.map((r) => `${r.topic} ${r.n}`).join(', ');
            peakBacklog = Math.max(
              peakBacklog,
              open.filter((r) => r.topic !== 'inbound events').reduce((a, r) => a + r.n, 0),
            );
            return open.length === 0;
          },
          DRAIN_TIMEOUT_MS,
          () => `${label}: work still pending ${DRAIN_TIMEOUT_MS / 1000} s after the load ended: ${pendingByTopic}`,
        ).catch((error: Error) => {
          // Report what was done by then; whatever is still pending counts as lost.
          console.error(error.message);
          timedOut = error.message;
        });
        if (!timedOut) drainSeconds = (Date.now() - sent) / 1000;
      } finally {
        clearInterval(sampler);
      }
      const measured = await measure(db, since, load, crm.fake, duplicatesBefore);
      if (timedOut) measured.notes.unshift(`drain timed out: ${timedOut}`);
      duplicatesBefore += measured.duplicates;
      const f: PeakFigures = { label, rate: step.rate, peakBacklog, drainSeconds, rssMb: rss.stop(), ...measured };
      figures.push(f);
      printFigures([f]);
      if (!held(f)) break;
    }
    const dead = services.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null);
    if (dead.length)
      throw new Error(`service process(es) exited during the run: ${dead.map((s) => s.name).join(', ')}`);
    return figures;
  } finally {
    await db.end().catch(() => undefined);
    await stopServices(services.map((s) => s.child));
    await crm.fake.stop();
    sink.server.close();
    const admin = new Client({ connectionString: `${PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

/** The highest offered rate among the runs that held (nothing rejected, lost or duplicated). */
export const highestHeld = (runs: PeakFigures[]) => runs.filter(held).reduce((best, f) => Math.max(best, f.rate), 0);

export const assumptions = () =>
  `${CLIENTS} clients per step, corpus texts, webchat/Telegram/WhatsApp in equal parts; Bitrix24 fake ` +
  `${process.env.BENCH_CRM_LATENCY_MS ?? 300} ms, ${Number(process.env.BENCH_CRM_FAILURE_RATE ?? 0.2) * 100} % faults; ` +
  `WhatsApp ${WHATSAPP_RATE}/s, Bitrix24 ${BITRIX_RATE} req/s, QUEUE_CONCURRENCY=${QUEUE_CONCURRENCY}, ` +
  `TRIAGE_CONCURRENCY=${TRIAGE_CONCURRENCY}, rules classifier; node ${process.version}`;

async function main(): Promise<void> {
  const which = process.env.BENCH_TOPOLOGY ?? 'both';
  const topologies = (which === 'both' ? ['all', 'split'] : [which]) as Array<'all' | 'split'>;
  const all: PeakFigures[] = [];
  for (const topology of topologies) {
    const runs = await runProduct(topology);
    all.push(...runs);
    console.log(`${topology}: highest rate held with zero loss: ${highestHeld(runs)} msg/s`);
  }
  console.log(`\nbench:peak  ${assumptions()}`);
  printFigures(all);
  for (const topology of topologies) {
    const runs = all.filter((f) => f.label.startsWith(topology));
    console.log(`${topology}: highest rate held with zero loss: ${highestHeld(runs)} msg/s`);
  }
  if (all.some((f) => f.lost > 0 || f.duplicates > 0)) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
