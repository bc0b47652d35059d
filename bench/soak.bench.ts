/**
 * `npm run bench:soak`: a steady load for BENCH_SOAK_MINUTES (10) at BENCH_SOAK_RATE (5) messages a second over the
 * webchat, Telegram and WhatsApp from BENCH_CLIENTS (1500) clients, so each client writes several times, against the
 * built service (BENCH_TOPOLOGY=all, or split) and bench:peak's faulty Bitrix24. Prints the RSS of each process
 * every minute; memory is flat when the RSS at the end is within BENCH_SOAK_GROWTH (20 %) of the RSS after the
 * first BENCH_SOAK_WARMUP_MIN (2) minutes, by which time the heap and the pools have reached their working size.
 * Then it waits for the work to drain and checks, as bench:peak does, that nothing was lost or duplicated.
 * Exits non-zero when memory grew or anything was lost or duplicated.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { CLIENTS, DRAIN_TIMEOUT_MS } from './peak.bench';
import { printFigures, rssMb, RssSampler, startFaultyBitrix, startReplySink } from './support/harness';
import { drive } from './support/load';
import { dropDatabase, measure, Product, waitForDrain, type Topology } from './support/product';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
// 18,000 messages an hour, far above any salon, and within what one process files into the CRM as they come: at
// 10/s with QUEUE_CONCURRENCY=5 the CRM backlog grows all along, which measures the drain, not the memory.
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 5);
const WARMUP_MINUTES = Number(process.env.BENCH_SOAK_WARMUP_MIN ?? 2);
const GROWTH = Number(process.env.BENCH_SOAK_GROWTH ?? 0.2);
const TOPOLOGY = (process.env.BENCH_TOPOLOGY ?? 'all') as Topology;
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';

async function main(): Promise<void> {
  const database = `volna_bench_soak_${randomBytes(3).toString('hex')}`;
  const crm = await startFaultyBitrix();
  const sink = await startReplySink();
  const product = new Product(
    {
      port: Number(process.env.BENCH_PORT ?? 3998),
      pgUrl: PG,
      redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      database,
      crmUrl: crm.url,
      sinkUrl: sink.url,
      queueConcurrency: Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 15),
      triageConcurrency: Number(process.env.BENCH_TRIAGE_CONCURRENCY ?? 10),
      whatsappRate: process.env.BENCH_WHATSAPP_RATE ?? '80',
      bitrixRate: process.env.BENCH_BITRIX_RATE ?? '50',
      env: { CRM_REDRIVE_ENABLED: 'false' },
    },
    TOPOLOGY,
  );
  const db = new Client({ connectionString: `${PG}/${database}` });
  const samples: Array<{ minute: number; rss: Record<string, number> }> = [];
  const failures: string[] = [];
  try {
    await product.ready();
    await db.connect();
    const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0].now;
    const sample = (minute: number) => {
      const rss = Object.fromEntries(product.services.map((s) => [s.name, Math.round(rssMb(s.child.pid))]));
      samples.push({ minute, rss });
      console.log(`minute ${minute}: ${JSON.stringify(rss)} MB`);
    };
    sample(0);
    let minute = 0;
    const timer = setInterval(() => sample(++minute), 60_000);
    const peak = new RssSampler();
    peak.start(product.services.map((s) => ({ name: s.name, pid: () => s.child.pid })));
    console.log(`soak: ${RATE} msg/s for ${MINUTES} min against ${TOPOLOGY}...`);
    const load = await drive(product.base, RATE, MINUTES * 60, 1, CLIENTS, product.secrets);
    clearInterval(timer);
    sample(MINUTES);
    const drain = await waitForDrain(db, 'soak', DRAIN_TIMEOUT_MS);
    const measured = await measure(db, since, load, crm.fake, 0);
    if (drain.timedOut) measured.notes.unshift(`drain timed out: ${drain.timedOut}`);
    printFigures([
      {
        label: `soak ${TOPOLOGY}`,
        rate: RATE,
        peakBacklog: NaN,
        drainSeconds: drain.seconds,
        rssMb: peak.stop(),
        ...measured,
      },
    ]);
    if (measured.lost || measured.duplicates || measured.rejected)
      failures.push(`${measured.lost} lost, ${measured.duplicates} duplicates, ${measured.rejected} refused`);
    const exited = product.exited();
    if (exited.length) failures.push(`process(es) exited: ${exited.join(', ')}`);
  } finally {
    await db.end().catch(() => undefined);
    await product.stop();
    await crm.fake.stop();
    sink.server.close();
    await dropDatabase(PG, database);
  }

  const warm = samples.find((s) => s.minute === WARMUP_MINUTES) ?? samples[0];
  const end = samples[samples.length - 1];
  console.log(`\nbench:soak  ${RATE} msg/s for ${MINUTES} min, ${TOPOLOGY}, node ${process.version}`);
  console.log(`RSS (MB) per minute:`);
  for (const s of samples) console.log(`  ${String(s.minute).padStart(3)}  ${JSON.stringify(s.rss)}`);
  for (const name of Object.keys(end.rss)) {
    const growth = (end.rss[name] - warm.rss[name]) / warm.rss[name];
    const line = `${name}: ${warm.rss[name]} MB at minute ${warm.minute}, ${end.rss[name]} MB at minute ${end.minute} (${(growth * 100).toFixed(1)} %)`;
    console.log(line);
    if (!(growth <= GROWTH)) failures.push(`${line}: more than ${GROWTH * 100} %`);
  }
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'passed: memory flat, nothing lost or duplicated');
  if (failures.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
