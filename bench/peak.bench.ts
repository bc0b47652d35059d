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
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { held, printFigures, RssSampler, startFaultyBitrix, startReplySink, type PeakFigures } from './support/harness';
import { drive, type LoadResult } from './support/load';
import { dropDatabase, measure, Product, waitForDrain, type Topology } from './support/product';

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

/** Runs the burst and the raised steps against one topology; stops raising at the first step that loses. */
export async function runProduct(topology: Topology, steps = plan()): Promise<PeakFigures[]> {
  const database = `volna_bench_peak_${randomBytes(3).toString('hex')}`;
  const crm = await startFaultyBitrix();
  const sink = await startReplySink();
  const product = new Product(
    {
      port: PORT,
      pgUrl: PG,
      redisUrl: REDIS,
      database,
      crmUrl: crm.url,
      sinkUrl: sink.url,
      queueConcurrency: QUEUE_CONCURRENCY,
      triageConcurrency: TRIAGE_CONCURRENCY,
      whatsappRate: WHATSAPP_RATE,
      bitrixRate: BITRIX_RATE,
      env: { CRM_REDRIVE_ENABLED: 'false' }, // dead letters stay final, so the bench can count them
    },
    topology,
  );
  const db = new Client({ connectionString: `${PG}/${database}` });
  const figures: PeakFigures[] = [];
  try {
    await product.ready();
    await db.connect();
    let duplicatesBefore = 0;
    for (const [k, step] of steps.entries()) {
      const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0].now;
      const rss = new RssSampler();
      rss.start(product.services.map((s) => ({ name: s.name, pid: () => s.child.pid })));
      let peakBacklog = 0;
      const onBacklog = (n: number) => (peakBacklog = Math.max(peakBacklog, n));
      const sampler = setInterval(() => void backlog(db).then(onBacklog, () => undefined), 1000);
      const label = `${topology} ${k === 0 ? 'burst' : `step ${k}`}`;
      console.log(`${label}: ${step.rate} msg/s for ${step.seconds} s...`);
      let load: LoadResult;
      let drain: { seconds: number; timedOut: string };
      try {
        load = await drive(product.base, step.rate, step.seconds, k * CLIENTS + 1, CLIENTS, product.secrets);
        drain = await waitForDrain(db, label, DRAIN_TIMEOUT_MS, { onBacklog });
      } finally {
        clearInterval(sampler);
      }
      // Whatever is still pending after a timeout counts as lost.
      if (drain.timedOut) console.error(drain.timedOut);
      const measured = await measure(db, since, load, crm.fake, duplicatesBefore);
      if (drain.timedOut) measured.notes.unshift(`drain timed out: ${drain.timedOut}`);
      duplicatesBefore += measured.duplicates;
      const f: PeakFigures = {
        label,
        rate: step.rate,
        peakBacklog,
        drainSeconds: drain.seconds,
        rssMb: rss.stop(),
        ...measured,
      };
      figures.push(f);
      printFigures([f]);
      if (!held(f)) break;
    }
    const exited = product.exited();
    if (exited.length) throw new Error(`service process(es) exited during the run: ${exited.join(', ')}`);
    return figures;
  } finally {
    await db.end().catch(() => undefined);
    await product.stop();
    await crm.fake.stop();
    sink.server.close();
    await dropDatabase(PG, database);
  }
}

/** Work waiting in the outbox now (reminders, due days later, aside). */
export async function backlog(db: Client): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic <> 'reminder.send'`,
  );
  return Number(rows[0].n);
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
  const topologies = (which === 'both' ? ['all', 'split'] : [which]) as Topology[];
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
