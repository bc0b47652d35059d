/**
 * `npm run bench:crm -- [--provider bitrix24|amocrm] [--leads 500] [--failure-rate 0.3] [--latency-ms 20]`
 *
 * N website messages become N leads that the real CRM adapter files in its fake CRM, at the provider's real
 * limits (a cloud Bitrix24 portal's 2 requests/s with a burst of 50, amoCRM's 7 requests/s), which fails the given
 * share of calls (a mix of 5xx, rate limits, timeouts and "created, then the connection dropped"). Prints CRM
 * success %, dead letters % of leads, average retries per lead, p50/p95 from message accepted to lead in CRM,
 * and duplicates in the CRM. Targets from the field: success > 98 % at 30 % failures, dead letters < 1 %,
 * average retries <= 2, zero duplicates.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createHttpApp } from '../src/bootstrap';
import { validateEnvironment } from '../src/config/env.validation';
import { AMO_RATE_PER_SEC, FakeAmoCrm } from '../test/fakes/amocrm/fake-amocrm';
import { bitrixError, FakeBitrix24 } from '../test/fakes/bitrix24/fake-bitrix24';
import type { FakeRequest } from '../test/fakes/fake-http-server';

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'bitrix24' },
    leads: { type: 'string', default: '500' },
    'failure-rate': { type: 'string', default: '0.3' },
    'latency-ms': { type: 'string', default: '20' },
  },
});
const LEADS = Number(args.leads);
const FAILURE_RATE = Number(args['failure-rate']);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function startFake(): Promise<{
  env: Record<string, string>;
  leads: () => Array<{ originId: string }>;
  stop: () => Promise<void>;
}> {
  const creates = (r: FakeRequest) => /(crm\.(lead|deal)\.add|leads\/complex)/.test(r.path);
  if (args.provider === 'amocrm') {
    const fake = new FakeAmoCrm({ ratePerSec: AMO_RATE_PER_SEC });
    fake.latencyMs = Number(args['latency-ms']);
    const base = await fake.start();
    fake.failureRate = FAILURE_RATE;
    fake.randomFaults = [
      { fault: { status: 500, body: { title: 'Internal Server Error', status: 500 } } },
      { fault: { status: 504, body: 'Gateway Timeout' } },
      { fault: { status: 429, headers: { 'retry-after': '1' }, body: { title: 'Too Many Requests', status: 429 } } },
      { fault: 'hang' },
      { fault: 'drop-after', match: creates },
    ];
    return {
      env: { ...fake.benchEnv(base), AMOCRM_RATE_PER_SEC: String(AMO_RATE_PER_SEC - 1) },
      leads: () => fake.leads(),
      stop: () => fake.stop(),
    };
  }
  const fake = new FakeBitrix24().useCloudLimits('standard');
  fake.latencyMs = Number(args['latency-ms']);
  const base = await fake.start();
  fake.failureRate = FAILURE_RATE;
  fake.randomFaults = [
    { fault: bitrixError('INTERNAL_SERVER_ERROR') },
    { fault: bitrixError('QUERY_LIMIT_EXCEEDED') },
    { fault: 'hang' },
    { fault: 'drop-after', match: creates },
  ];
  return {
    env: {
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: fake.webhookUrl(base),
      BITRIX24_RATE_PER_SEC: '2',
      BITRIX24_RATE_BURST: '50',
    },
    leads: () => fake.leads(),
    stop: () => fake.stop(),
  };
}

async function main(): Promise<void> {
  const fake = await startFake();
  const id = randomBytes(3).toString('hex');
  const env = validateEnvironment({
    DATABASE_URL: `${PG}/volna_bench_crm_${id}`,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `bench-crm-${id}`,
    ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'error',
    CRM_HTTP_TIMEOUT_MS: '1000',
    QUEUE_CONCURRENCY: '10',
    DATABASE_POOL_SIZE: '140',
    CRM_REDRIVE_ENABLED: 'false', // measure the retry policy alone
    ...fake.env,
  });
  const app = await createHttpApp(env);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    const started = Date.now();
    for (let i = 0; i < LEADS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, LEADS - i) }, (_, k) =>
          fetch(`${url}/api/v1/webchat/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              sessionId: `bench-${id}-${i + k}`,
              clientMessageId: `m-${id}-${i + k}`,
              text: 'Здравствуйте, можно на маникюр завтра в 5?',
              name: `Клиент ${i + k}`,
              phone: `+7913${String(1000000 + i + k).slice(-7)}`,
            }),
          }),
        ),
      );
    }
    const finished = async () =>
      Number((await db.query("SELECT count(*) AS n FROM leads WHERE crm_status IN ('delivered', 'failed')")).rows[0].n);
    while ((await finished()) < LEADS) await new Promise((resolve) => setTimeout(resolve, 500));

    const { rows } = await db.query(`
      SELECT l.crm_status, l.crm_attempts,
             EXTRACT(EPOCH FROM (l.crm_delivered_at - m.created_at)) * 1000 AS ms
      FROM leads l JOIN LATERAL (SELECT created_at FROM messages WHERE conversation_id = l.conversation_id ORDER BY created_at LIMIT 1) m ON true`);
    const delivered = rows.filter((r) => r.crm_status === 'delivered');
    const deadLetters = Number(
      (await db.query("SELECT count(*) AS n FROM dead_letters WHERE topic = 'crm.sync'")).rows[0].n,
    );
    const retries = rows.reduce((sum, r) => sum + Math.max(0, Number(r.crm_attempts) - 1), 0);
    const latencies = delivered.map((r) => Number(r.ms)).sort((a, b) => a - b);
    const perOrigin = new Map<string, number>();
    for (const lead of fake.leads()) perOrigin.set(lead.originId, (perOrigin.get(lead.originId) ?? 0) + 1);
    const duplicates = [...perOrigin.values()].reduce((sum, n) => sum + n - 1, 0);

    console.log(
      `\nbench:crm  provider=${args.provider} leads=${LEADS} failure-rate=${FAILURE_RATE} latency=${args['latency-ms']}ms node ${process.version}`,
    );
    console.log(`CRM success          ${((delivered.length / LEADS) * 100).toFixed(2)} %`);
    console.log(`dead letters         ${((deadLetters / LEADS) * 100).toFixed(2)} % of leads (${deadLetters})`);
    console.log(`average retries      ${(retries / LEADS).toFixed(2)} per lead`);
    console.log(
      `accepted → in CRM    p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`,
    );
    console.log(`duplicates in CRM    ${duplicates}`);
    console.log(`wall time            ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const reasons = await db.query(
      `SELECT reason, regexp_replace(last_error, '[0-9]+', 'N', 'g') AS error, count(*)::int AS n FROM dead_letters
       WHERE topic = 'crm.sync' GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 5`,
    );
    for (const row of reasons.rows) console.log(`  dead letter: ${row.n} × ${row.reason}: ${row.error}`);
  } finally {
    await db.end();
    await app.close();
    await fake.stop();
    const admin = new Client({ connectionString: `${PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS volna_bench_crm_${id} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
