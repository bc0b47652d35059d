/**
 * `npm run bench:first-reply`: how long a client waits for the bot's first answer during a flood.
 *
 * Starts the built service (APP_ROLE=all, one instance as most agencies run it) on a fresh database twice: once with
 * the offline rules classifier, once with the LLM (hybrid, the default when an LLM is configured) against a local
 * fake OpenAI-compatible server that answers in BENCH_LLM_MS (800) ms. Each run opens BENCH_CONVERSATIONS (1000)
 * webchat conversations at BENCH_RATE (50) per second, one message each, waits until every one is answered, and
 * prints p50/p95/p99 of "message accepted → reply sent" from the stored timestamps (messages.created_at of the
 * client's message, sent_at of the bot's reply). BENCH_CLASSIFIERS=rules or =llm runs one of the two.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import { classifyMessage } from '../src/modules/triage/domain/rules-intent-classifier';
import { FAKE_OPENAI_KEY, FakeOpenAi, lastUserContent } from '../test/fakes/openai/fake-openai';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const LLM_MS = Number(process.env.BENCH_LLM_MS ?? 800);
const PORT = Number(process.env.BENCH_PORT ?? 3997);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TEXTS = [
  'Здравствуйте, можно на маникюр завтра в 5?',
  'сколько стоит стрижка?',
  'где вы находитесь?',
  'хочу записаться на педикюр в субботу утром',
  'добрый день! есть окошко на окрашивание на следующей неделе?',
];

interface Figures {
  name: string;
  answered: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

async function startService(database: string, extra: Record<string, string>): Promise<ChildProcess> {
  const service = spawn(process.execPath, [path.resolve(__dirname, '..', 'dist', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(PORT),
      APP_ROLE: 'all',
      DATABASE_URL: `${PG}/${database}`,
      REDIS_URL: REDIS,
      QUEUE_PREFIX: database,
      ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
      LOG_LEVEL: 'error',
      TRIAGE_CONCURRENCY: process.env.BENCH_TRIAGE_CONCURRENCY ?? '60',
      DATABASE_POOL_SIZE: '120',
      ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
      ...extra,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (
      await fetch(`http://127.0.0.1:${PORT}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return service;
    if (i > 150) throw new Error('the service did not start');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopService(service: ChildProcess, database: string): Promise<void> {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  const admin = new Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}

async function flood(tag: string): Promise<void> {
  const started = Date.now();
  const posts: Array<Promise<unknown>> = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    posts.push(
      fetch(`http://127.0.0.1:${PORT}/api/v1/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          sessionId: `bench-${tag}-${i}`,
          clientMessageId: `first-${tag}-${i}`,
          text: TEXTS[i % TEXTS.length],
        }),
      }).then((r) => {
        if (r.status !== 202) throw new Error(`webchat answered ${r.status}`);
      }),
    );
  }
  await Promise.all(posts);
}

async function measure(name: string, database: string): Promise<Figures> {
  const db = new Client({ connectionString: `${PG}/${database}` });
  await db.connect();
  try {
    const waitedSince = Date.now();
    const query = `
      SELECT EXTRACT(EPOCH FROM (r.sent_at - m.created_at)) * 1000 AS ms
      FROM messages m
      LEFT JOIN LATERAL (SELECT sent_at FROM messages o WHERE o.conversation_id = m.conversation_id
        AND o.direction = 'out' AND o.sent_at IS NOT NULL ORDER BY o.sent_at LIMIT 1) r ON true
      WHERE m.direction = 'in'`;
    for (;;) {
      const { rows } = await db.query<{ ms: string | null }>(query);
      const answered = rows.filter((row) => row.ms !== null).map((row) => Number(row.ms));
      if (answered.length === CONVERSATIONS) {
        answered.sort((a, b) => a - b);
        const at = (q: number) => Math.round(answered[Math.min(answered.length - 1, Math.floor(q * answered.length))]);
        return { name, answered: answered.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
      }
      if (Date.now() - waitedSince > 300_000) {
        throw new Error(`${name}: ${CONVERSATIONS - answered.length} conversations still unanswered after 5 min`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await db.end();
  }
}

async function run(name: string, env: Record<string, string>): Promise<Figures> {
  const database = `volna_bench_${randomBytes(3).toString('hex')}`;
  const service = await startService(database, env);
  try {
    await flood(database);
    return await measure(name, database);
  } finally {
    await stopService(service, database);
  }
}

async function main(): Promise<void> {
  const llm = new FakeOpenAi();
  llm.latencyMs = LLM_MS;
  // The fake model answers what the rules would: realistic structured output, at an LLM's pace.
  llm.script = (request) => {
    const result = classifyMessage(lastUserContent(request));
    return { intent: result.intent, confidence: 0.9, urgency: result.urgency, escalate: result.escalate, slots: {} };
  };
  const llmUrl = await llm.start();
  try {
    const figures: Figures[] = [];
    const which = (process.env.BENCH_CLASSIFIERS ?? 'rules,llm').split(',');
    if (which.includes('rules')) figures.push(await run('rules', { TRIAGE_CLASSIFIER: 'rules' }));
    if (which.includes('llm')) {
      figures.push(await run(`llm ${LLM_MS} ms`, { OPENAI_API_KEY: FAKE_OPENAI_KEY, OPENAI_BASE_URL: `${llmUrl}/v1` }));
    }
    console.log(
      `\nbench:first-reply  ${CONVERSATIONS} conversations at ${RATE}/s through the webchat, APP_ROLE=all, node ${process.version}`,
    );
    console.log('classifier      answered   p50 ms   p95 ms   p99 ms   max ms');
    for (const f of figures) {
      console.log(
        `${f.name.padEnd(15)} ${String(f.answered).padStart(8)} ${String(f.p50).padStart(8)} ${String(f.p95).padStart(8)} ${String(f.p99).padStart(8)} ${String(f.max).padStart(8)}`,
      );
    }
    console.log(`llm requests served by the fake: ${llm.completions.length}`);
  } finally {
    await llm.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
