/**
 * `npm run bench:ingest`: what the durable accept path costs, next to the floor of any durable accept.
 *
 * Starts, each as its own process on a fresh database:
 *   1. the built service (APP_ROLE=api, so workers do not compete for the CPU with the accept path):
 *      POST /api/v1/webchat/messages (validate, dedupe, contact + conversation + message + outbox in one
 *      transaction, publish to Redis after commit), a new clientMessageId per request;
 *   2. the floor (bench/ingest-floor.ts): bare node:http, one INSERT and one Redis LPUSH per request;
 * then runs autocannon for BENCH_SECONDS (20) against each in turn and prints req/s, latency p50/p99 and the
 * ratio service/floor. The product's bar: at least 0.5.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 3999);
const FLOOR_PORT = PORT - 1;
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TEXTS = ['Здравствуйте, можно на маникюр завтра в 5?', 'сколько стоит стрижка?', 'где вы находитесь?'];

interface Figures {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function run(name: string, url: string, body: () => string): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return {
    name,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const database = `volna_bench_${randomBytes(3).toString('hex')}`;
  const service = spawn(process.execPath, [path.resolve(__dirname, '..', 'dist', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(PORT),
      APP_ROLE: 'api',
      DATABASE_URL: `${PG}/${database}`,
      REDIS_URL: REDIS,
      QUEUE_PREFIX: database,
      ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
      LOG_LEVEL: 'error',
      ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${PORT}`;
  let floor: ChildProcess | undefined;
  try {
    await waitUntil(() => fetch(`${base}/health/live`).then((r) => r.ok), 'the service did not start');
    let n = 0;
    // 2,000 visitors: the first message of each creates a contact, later ones find it (a promo's flood).
    const session = () => `bench-${n % Number(process.env.BENCH_VISITORS ?? 2000)}-${database}`;
    const webchat = await run('webchat accept', `${base}/api/v1/webchat/messages`, () => {
      n += 1;
      return JSON.stringify({
        sessionId: session(),
        clientMessageId: `msg-${n}-${database}`,
        text: TEXTS[n % TEXTS.length],
      });
    });
    service.kill('SIGTERM'); // the floor gets the CPU to itself, as the service had
    await new Promise((resolve) => service.once('exit', resolve));

    floor = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, 'ingest-floor.ts')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          FLOOR_PORT: String(FLOOR_PORT),
          FLOOR_DATABASE_URL: `${PG}/${database}`,
          FLOOR_REDIS_URL: REDIS,
          FLOOR_KEY: `${database}:floor`,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const floorBase = `http://127.0.0.1:${FLOOR_PORT}`;
    await waitUntil(
      () => fetch(floorBase, { method: 'POST', body: '{}' }).then((r) => r.status === 202),
      'the floor did not start',
    );
    n = 0;
    const bare = await run('floor', floorBase, () => {
      n += 1;
      return JSON.stringify({ sessionId: session(), clientMessageId: `msg-${n}-${database}`, text: TEXTS[n % 3] });
    });

    console.log(
      `\nbench:ingest  ${SECONDS}s per route, ${CONNECTIONS} connections, APP_ROLE=api, node ${process.version}`,
    );
    console.log('route            requests   req/s    p50 ms  p99 ms  errors');
    for (const f of [webchat, bare]) {
      console.log(
        `${f.name.padEnd(16)} ${String(f.requests).padStart(8)} ${f.rps.toFixed(0).padStart(7)} ${String(f.p50).padStart(8)} ${String(f.p99).padStart(7)} ${String(f.errors).padStart(7)}`,
      );
    }
    const ratio = webchat.rps / bare.rps;
    console.log(`throughput ratio webchat/floor = ${ratio.toFixed(2)} (bar: at least 0.50)`);
  } finally {
    if (service.exitCode === null && service.signalCode === null) {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.once('exit', resolve));
    }
    if (floor && floor.exitCode === null && floor.signalCode === null) {
      floor.kill('SIGTERM');
      await new Promise((resolve) => floor!.once('exit', resolve));
    }
    const admin = new Client({ connectionString: `${PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    const redis = new IORedis(REDIS);
    await redis.del(`${database}:floor`);
    redis.disconnect();
    await admin.end();
  }
}

async function waitUntil(ready: () => Promise<boolean>, failure: string): Promise<void> {
  for (let i = 0; i <= 100; i++) {
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(failure);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
