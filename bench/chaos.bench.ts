/**
 * `npm run bench:chaos`: bench:peak's burst (BENCH_RATE 50 msg/s for BENCH_SECONDS 60 over the webchat, Telegram and
 * WhatsApp, Bitrix24 fake at 300 ms failing 20 %) while the infrastructure fails under it:
 *
 *   +10 s  a worker is killed with SIGKILL; the orchestrator starts a new one 5 s later
 *   +20 s  Redis is killed and started again empty (no persistence): every queued and delayed job is gone
 *   +30 s  Postgres is restarted in immediate mode (a crash: open connections and transactions are cut)
 *   +40 s  the CRM goes down (connections refused) for BENCH_CRM_DOWN_S (60) seconds
 *
 * Redis and Postgres are private instances started by the script on their own ports (Redis on a free port, Postgres on
 * BENCH_CHAOS_PG_PORT 5491), so the machine's own services are not touched. The service runs as an api and two
 * workers (BENCH_TOPOLOGY=split; =all kills the single process instead), with the production settings that matter
 * here: the CRM redrive is on, so dead letters of the outage are replayed once the CRM answers again.
 * The load retries a request that is not answered 2xx after 2, 10, 30 and 60 s, as the providers keep retrying.
 *
 * Lost is strict: a message accepted but never stored, triaged or answered, a reply not sent, a lead not in the CRM
 * at the end; a dead letter left unreplayed counts as lost. Exits non-zero when anything was lost, duplicated in
 * the CRM or refused for good, or when the service did not recover by itself (a process down, /health/ready not 200).
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { backlog, CLIENTS, DRAIN_TIMEOUT_MS, RATE, SECONDS } from './peak.bench';
import { PrivateRedis } from '../test/support/redis-server';
import { printFigures, RssSampler, startFaultyBitrix, startReplySink, type PeakFigures } from './support/harness';
import { drive } from './support/load';
import { measure, Product, waitForDrain, type Topology } from './support/product';

const PORT = Number(process.env.BENCH_PORT ?? 3997);
const PG_PORT = Number(process.env.BENCH_CHAOS_PG_PORT ?? 5491);
const CRM_DOWN_MS = Number(process.env.BENCH_CRM_DOWN_S ?? 60) * 1000;
const TOPOLOGY = (process.env.BENCH_TOPOLOGY ?? 'split') as Topology;
const QUEUE_CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 5);
const TRIAGE_CONCURRENCY = Number(process.env.BENCH_TRIAGE_CONCURRENCY ?? 10);
const execFileAsync = promisify(execFile);
const PROVIDER_RETRIES_MS = [2_000, 10_000, 30_000, 60_000];

/** A PostgreSQL cluster of our own in a temporary directory, made with the machine's initdb. */
class PrivatePostgres {
  readonly url = `postgres://postgres@127.0.0.1:${PG_PORT}`;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'volna-chaos-pg-'));
  private readonly bin = process.env.BENCH_PG_BIN ?? PrivatePostgres.findBin();

  private static findBin(): string {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    return path.join('/usr/lib/postgresql', versions[0], 'bin');
  }

  /** initdb refuses to run as root: as root, the cluster belongs to the postgres user. */
  private command(tool: string, args: string[]): [string, string[]] {
    const command = path.join(this.bin, tool);
    return userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  }

  private async run(tool: string, args: string[]): Promise<void> {
    await execFileAsync(...this.command(tool, args)).catch((error: Error & { stderr?: string }) => {
      throw new Error(`${tool} ${args.join(' ')} failed: ${error.stderr || error.message}`);
    });
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  /** pg_ctl with a log file, else the server would keep pg_ctl's output pipe open and pg_ctl would never return. */
  private pgCtl(...args: string[]): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-l', path.join(this.dir, 'server.log'), '-w', ...args]);
  }

  async start(): Promise<void> {
    if (userInfo().uid === 0) await execFileAsync('chown', ['postgres', this.dir]);
    await this.run('initdb', [
      '-D',
      this.data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await this.pgCtl(
      '-o',
      `-p ${PG_PORT} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=500`,
      'start',
    );
  }

  /** Immediate mode: no clean shutdown, crash recovery on start, as when the server or its host dies. */
  restart(): Promise<void> {
    return this.pgCtl('-m', 'immediate', 'restart');
  }

  /** Synchronous, so that it also runs from an exit handler. */
  stopNow(): void {
    spawnSync(...this.command('pg_ctl', ['-D', this.data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const redis = await PrivateRedis.start();
  const pg = new PrivatePostgres();
  await pg.start();
  const database = `volna_bench_chaos_${randomBytes(3).toString('hex')}`;
  const crm = await startFaultyBitrix();
  const crmPort = Number(new URL(crm.url).port);
  const sink = await startReplySink();
  const product = new Product(
    {
      port: PORT,
      pgUrl: pg.url,
      redisUrl: redis.url,
      database,
      crmUrl: crm.url,
      sinkUrl: sink.url,
      queueConcurrency: QUEUE_CONCURRENCY,
      triageConcurrency: TRIAGE_CONCURRENCY,
      whatsappRate: process.env.BENCH_WHATSAPP_RATE ?? '80',
      bitrixRate: process.env.BENCH_BITRIX_RATE ?? '50',
    },
    TOPOLOGY,
  );
  // Ctrl-C or a crash of the bench must not leave the service, Redis or Postgres running.
  process.once('exit', () => {
    for (const { child } of product.services) child.kill('SIGKILL');
    void redis.stop();
    pg.stopNow();
  });
  process.once('SIGINT', () => process.exit(130));
  const db = new Client({ connectionString: `${pg.url}/${database}` });
  db.on('error', () => undefined); // the restart cuts this connection too; the bench reconnects below
  let figures: PeakFigures | undefined;
  const failures: string[] = [];
  let started = Date.now();
  const events: string[] = [];
  const log = (event: string) => {
    const line = `+${((Date.now() - started) / 1000).toFixed(1)} s  ${event}`;
    events.push(line);
    console.log(line);
  };
  try {
    await product.ready();
    await db.connect();
    const since = (await db.query<{ now: Date }>('SELECT now()')).rows[0].now;
    await db.end();

    const rss = new RssSampler();
    rss.start(product.services.map((s) => ({ name: s.name, pid: () => s.child.pid })));
    const victim = TOPOLOGY === 'all' ? 'all' : 'worker1';
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const at = (ms: number, what: () => unknown) => sleep(ms).then(what);
    started = Date.now();
    console.log(`chaos: ${RATE} msg/s for ${SECONDS} s against ${TOPOLOGY}...`);
    const faults = Promise.all([
      at(10_000, () => {
        product.kill(victim, 'SIGKILL');
        log(`SIGKILL ${victim}`);
      }),
      at(15_000, () => {
        product.respawn(victim);
        log(`${victim} started again`);
      }),
      at(20_000, async () => {
        await redis.stop();
        log('Redis killed');
        await sleep(2_000);
        await redis.start();
        log('Redis started again, empty');
      }),
      at(30_000, async () => {
        log('Postgres restart (immediate)');
        await pg.restart();
        log('Postgres up again');
      }),
      at(40_000, async () => {
        await crm.fake.stop();
        log(`CRM down for ${CRM_DOWN_MS / 1000} s`);
        await sleep(CRM_DOWN_MS);
        await crm.fake.start(crmPort);
        log('CRM up again');
      }),
    ]);
    const load = await drive(product.base, RATE, SECONDS, 1, CLIENTS, product.secrets, PROVIDER_RETRIES_MS);
    log(`load done: ${load.accepted} accepted, ${load.retried} provider retries, ${load.rejected} refused for good`);
    await faults;

    const watcher = new Client({ connectionString: `${pg.url}/${database}` });
    await watcher.connect();
    let peakBacklog = 0;
    const onBacklog = (n: number) => (peakBacklog = Math.max(peakBacklog, n));
    const sampler = setInterval(() => void backlog(watcher).then(onBacklog, () => undefined), 1000);
    const drain = await waitForDrain(watcher, 'chaos', DRAIN_TIMEOUT_MS, { redrive: true, onBacklog });
    clearInterval(sampler);
    log(drain.timedOut ? drain.timedOut : `all work done, dead letters of the outage replayed`);

    const exited = product.exited();
    if (exited.length) failures.push(`process(es) down at the end: ${exited.join(', ')}`);
    const health = await fetch(`${product.base}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (health !== 200) failures.push(`/health/ready answered ${health} at the end`);
    const measured = await measure(watcher, since, load, crm.fake, 0, true);
    await watcher.end();
    if (drain.timedOut) measured.notes.unshift(`drain timed out: ${drain.timedOut}`);
    figures = {
      label: `chaos ${TOPOLOGY}`,
      rate: RATE,
      peakBacklog,
      drainSeconds: drain.seconds,
      rssMb: rss.stop(),
      ...measured,
    };
  } finally {
    await product.stop();
    await crm.fake.stop();
    sink.server.close();
    await redis.stop();
    pg.stopNow();
  }

  console.log(`\nbench:chaos  ${TOPOLOGY}, QUEUE_CONCURRENCY=${QUEUE_CONCURRENCY}, node ${process.version}`);
  for (const line of events) console.log(`  ${line}`);
  printFigures([figures]);
  if (figures.lost > 0) failures.push(`${figures.lost} lost`);
  if (figures.duplicates > 0) failures.push(`${figures.duplicates} duplicates in the CRM`);
  if (figures.rejected > 0) failures.push(`${figures.rejected} messages refused even after the provider's retries`);
  console.log(failures.length ? `FAILED: ${failures.join('; ')}` : 'passed: nothing lost, nothing duplicated');
  if (failures.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
