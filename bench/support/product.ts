/**
 * The built service as bench:peak and bench:chaos run it: its processes, the wait until its work is done, and the
 * figures read back from its database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import type { FakeBitrix24 } from '../../test/fakes/bitrix24/fake-bitrix24';
import { crmDuplicates, waitUntil, type PeakFigures } from './harness';
import { newSecrets, percentile, type LoadResult, type Secrets } from './load';

export type Topology = 'all' | 'split';

export interface ProductSettings {
  port: number;
  /** Server URL without a database, e.g. postgres://postgres@127.0.0.1:5432 */
  pgUrl: string;
  redisUrl: string;
  database: string;
  crmUrl: string;
  sinkUrl: string;
  queueConcurrency: number;
  triageConcurrency: number;
  whatsappRate: string;
  bitrixRate: string;
  /** Anything the bench wants different from the defaults below. */
  env?: Record<string, string>;
}

export interface Service {
  readonly name: string;
  readonly role: string;
  child: ChildProcess;
}

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** The service's processes: one APP_ROLE=all, or an api and two workers; `respawn` restarts one as an orchestrator would. */
export class Product {
  readonly secrets: Secrets = newSecrets();
  readonly base: string;
  readonly services: Service[];
  private readonly env: Record<string, string>;

  constructor(
    readonly settings: ProductSettings,
    topology: Topology,
  ) {
    const s = settings;
    this.base = `http://127.0.0.1:${s.port}`;
    this.env = {
      PATH: process.env.PATH ?? '',
      PORT: String(s.port),
      DATABASE_URL: `${s.pgUrl}/${s.database}`,
      REDIS_URL: s.redisUrl,
      QUEUE_PREFIX: s.database,
      ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
      LOG_LEVEL: 'error',
      TRIAGE_CLASSIFIER: 'rules',
      QUEUE_CONCURRENCY: String(s.queueConcurrency),
      TRIAGE_CONCURRENCY: String(s.triageConcurrency),
      DATABASE_POOL_SIZE: String(s.queueConcurrency * 12 + s.triageConcurrency + 5), // the pool rule: 12 queues
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: s.crmUrl,
      BITRIX24_RATE_PER_SEC: s.bitrixRate,
      CRM_HTTP_TIMEOUT_MS: '2000',
      TELEGRAM_BOT_TOKEN: `123456:${randomBytes(18).toString('hex')}`,
      TELEGRAM_WEBHOOK_SECRET: this.secrets.telegramSecret,
      TELEGRAM_API_BASE: s.sinkUrl,
      WHATSAPP_TOKEN: randomBytes(16).toString('hex'),
      WHATSAPP_PHONE_NUMBER_ID: this.secrets.phoneNumberId,
      WHATSAPP_APP_SECRET: this.secrets.whatsappAppSecret,
      WHATSAPP_VERIFY_TOKEN: randomBytes(8).toString('hex'),
      WHATSAPP_GRAPH_BASE: `${s.sinkUrl}/v21.0`,
      WHATSAPP_RATE_PER_SEC: s.whatsappRate,
      ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
      ...s.env,
    };
    const roles = topology === 'all' ? ['all'] : ['api', 'worker', 'worker'];
    this.services = roles.map((role, i) => {
      const name = topology === 'all' ? 'all' : i === 0 ? 'api' : `worker${i}`;
      return { name, role, child: this.spawn(role) };
    });
  }

  private spawn(role: string): ChildProcess {
    // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the service's processes
    const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    return spawn(process.execPath, [...nodeArgs, MAIN], {
      env: { ...this.env, APP_ROLE: role },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      () =>
        fetch(`${this.base}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      timeoutMs,
      () => `the service was not ready within ${timeoutMs / 1000} s`,
    );
  }

  service(name: string): Service {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new Error(`no process named ${name}`);
    return found;
  }

  kill(name: string, signal: NodeJS.Signals): void {
    this.service(name).child.kill(signal);
  }

  respawn(name: string): void {
    const service = this.service(name);
    service.child = this.spawn(service.role);
  }

  /** The processes that have exited. */
  exited(): string[] {
    return this.services.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null).map((s) => s.name);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.services.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** Work still to do (reminders, due days later, aside), per topic. */
const OPEN_WORK = `
  SELECT topic, count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic <> 'reminder.send' GROUP BY topic
  UNION ALL SELECT 'inbound events', count(*)::int FROM inbound_events WHERE processed_at IS NULL`;
/** CRM dead letters the redrive will replay once the CRM answers again. */
const AWAITING_REDRIVE = `
  SELECT 'crm dead letters awaiting the redrive', count(*)::int FROM dead_letters
  WHERE topic = 'crm.sync' AND reason IN ('exhausted', 'blocked') AND replayed_at IS NULL`;

/**
 * Waits until nothing is left to do; `redrive`: also until every CRM dead letter has been replayed. Returns the
 * seconds it took and the peak backlog seen, or the error text when `timeoutMs` ran out first.
 */
export async function waitForDrain(
  db: Client,
  label: string,
  timeoutMs: number,
  options: { redrive?: boolean; onBacklog?: (n: number) => void } = {},
): Promise<{ seconds: number; timedOut: string }> {
  const started = Date.now();
  let open = '';
  try {
    await waitUntil(
      async () => {
        const { rows } = await db
          .query<{ topic: string; n: number }>(OPEN_WORK + (options.redrive ? ` UNION ALL ${AWAITING_REDRIVE}` : ''))
          .catch(() => ({ rows: [{ topic: 'database unreachable', n: 1 }] }));
        const waiting = rows.filter((r) => r.n > 0);
        open = waiting.map((r) => `${r.topic} ${r.n}`).join(', ');
        options.onBacklog?.(waiting.filter((r) => !r.topic.includes(' ')).reduce((sum, r) => sum + r.n, 0));
        return waiting.length === 0;
      },
      timeoutMs,
      () => `${label}: work still open ${timeoutMs / 1000} s after the load ended: ${open}`,
    );
    return { seconds: (Date.now() - started) / 1000, timedOut: '' };
  } catch (error) {
    return { seconds: NaN, timedOut: (error as Error).message };
  }
}

export type Measured = Omit<PeakFigures, 'label' | 'rate' | 'peakBacklog' | 'drainSeconds' | 'rssMb'>;

/**
 * The figures of the rows created since `since`. Lost: accepted but never stored, triaged or answered, or a lead
 * never in the CRM. `strict` (bench:chaos) counts dead letters as lost too: with the CRM back and the redrive on,
 * every lead must end in the CRM and every reply must be sent; bench:peak, with the redrive off, accepts a dead
 * letter as an accounted-for outcome (the managers were alerted).
 */
export async function measure(
  db: Client,
  since: Date,
  load: LoadResult,
  fake: FakeBitrix24,
  duplicatesBefore: number,
  strict = false,
): Promise<Measured> {
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
      ${strict ? '' : `AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.topic LIKE 'reply.send.%' AND d.payload->>'messageId' = o.id::text)`}`);
  const leads = await db.query<{ id: string; crm_status: string; dead: boolean }>(
    `SELECT l.id, l.crm_status,
            EXISTS (SELECT 1 FROM dead_letters d WHERE d.topic = 'crm.sync' AND d.payload->>'leadId' = l.id::text) AS dead
     FROM leads l WHERE l.created_at >= $1`,
    [since],
  );
  const { duplicates, originIds } = crmDuplicates(fake);
  const leadsLost = leads.rows.filter((l) => !originIds.has(l.id) && (strict || !l.dead)).length;
  const deliveredNotInCrm = leads.rows.filter((l) => l.crm_status === 'delivered' && !originIds.has(l.id)).length;
  const ingestLost = Math.max(0, load.accepted - stored);
  const lost = ingestLost + untriaged + unanswered + repliesUndelivered + leadsLost;
  if (ingestLost) notes.push(`${ingestLost} accepted messages never stored`);
  if (untriaged) notes.push(`${untriaged} stored messages never triaged`);
  if (unanswered) notes.push(`${unanswered} conversations without any delivered reply`);
  if (repliesUndelivered) notes.push(`${repliesUndelivered} replies not sent${strict ? '' : ' nor dead-lettered'}`);
  if (leadsLost)
    notes.push(`${leadsLost} of ${leads.rows.length} leads not in the CRM${strict ? '' : ' nor dead-lettered'}`);
  if (deliveredNotInCrm) notes.push(`${deliveredNotInCrm} leads marked delivered but absent from the CRM`);

  const firstReply = await millis(
    db,
    // From the first message the bot answers (spam gets no reply), else a spam opener would count the wait for
    // the client's next message.
    `SELECT EXTRACT(EPOCH FROM (min(o.sent_at) - min(m.created_at))) * 1000 AS ms
     FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.direction = 'in'
       AND m.triage->>'intent' IS DISTINCT FROM 'spam'
     JOIN messages o ON o.conversation_id = c.id AND o.direction = 'out' AND o.sent_at IS NOT NULL
     WHERE c.created_at >= $1 GROUP BY c.id`,
    since,
  );
  const toCrm = await millis(
    db,
    `SELECT EXTRACT(EPOCH FROM (min(o.completed_at) - l.created_at)) * 1000 AS ms
     FROM leads l JOIN outbox o ON o.topic = 'crm.sync' AND o.status = 'done' AND o.payload->>'leadId' = l.id::text
     WHERE l.created_at >= $1 GROUP BY l.id`,
    since,
  );
  const deadLetters = await one(`SELECT count(*) AS n FROM dead_letters WHERE created_at >= $1`);
  const retries = (
    await db.query<{ avg: string | null }>(
      `SELECT avg(GREATEST(attempts - 1, 0)) AS avg FROM outbox
       WHERE topic = 'crm.sync' AND status IN ('done', 'dead') AND created_at >= $1`,
      [since],
    )
  ).rows[0].avg;
  const reasons = await db.query(
    `SELECT topic, reason, replayed_at IS NOT NULL AS replayed,
            left(regexp_replace(last_error, '[0-9]+', 'N', 'g'), 100) AS error, count(*)::int AS n
     FROM dead_letters WHERE created_at >= $1 GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC LIMIT 5`,
    [since],
  );
  for (const r of reasons.rows)
    notes.push(`dead letter ${r.n} × ${r.topic} ${r.reason}${r.replayed ? ' (replayed)' : ''}: ${r.error}`);
  return {
    offered: load.offered,
    accepted: load.accepted,
    rejected: load.rejected,
    lost,
    duplicates: duplicates - duplicatesBefore,
    firstReply: { p50: percentile(firstReply, 50), p95: percentile(firstReply, 95), p99: percentile(firstReply, 99) },
    toCrm: { p50: percentile(toCrm, 50), p95: percentile(toCrm, 95) },
    deadLetterPct: load.accepted ? (deadLetters / load.accepted) * 100 : 0,
    avgRetries: Number(retries ?? 0),
    notes,
  };
}

async function millis(db: Client, sql: string, since: Date): Promise<number[]> {
  const { rows } = await db.query<{ ms: number }>(sql, [since]);
  return rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
}

export async function dropDatabase(pgUrl: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: `${pgUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
