/**
 * `npm run bench:baseline [-- --compare]`: the same peak as bench:peak against the naive design (bench/naive/
 * naive-server.ts: the CRM called inside the webhook request, no queue, no retry, no idempotency) and the same
 * faulty Bitrix24, to show what the outbox and the queue buy.
 *
 * The load retries a request once when it is not answered 2xx within 10 s, as the providers do. Figures:
 * accepted = 2xx answers; lost = accepted but not in the CRM; rejected = not accepted even after the retry (the
 * provider gives up: the client's message is gone too); duplicates = leads filed twice for one message; first reply
 * = first arrival → reply sent; to CRM = first arrival → lead created; backlog = requests in flight at once; dead
 * letters: none (the design has none); average retries = the providers' retries per message. Without --compare it
 * runs every step of bench:peak's plan (BENCH_RATE, BENCH_SECONDS, BENCH_STEPS...) and does not stop at a loss; with
 * --compare it runs the burst against the naive server and the built service (APP_ROLE=all; `npm run build` first)
 * and prints them side by side. Exits non-zero when the naive server lost or duplicated anything (it will).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  crmDuplicates,
  printFigures,
  RssSampler,
  startFaultyBitrix,
  startReplySink,
  waitUntil,
} from './support/harness';
import type { PeakFigures } from './support/harness';
import { drive, newSecrets, percentile } from './support/load';
import { assumptions, CLIENTS, plan, runProduct } from './peak.bench';

const PORT = Number(process.env.BENCH_NAIVE_PORT ?? 3995);

interface NaiveStats {
  peakInFlight: number;
  timings: Record<string, { receivedAt: number; crmAt?: number; replyAt?: number }>;
}

async function runNaive(steps = plan()): Promise<PeakFigures[]> {
  const crm = await startFaultyBitrix();
  const sink = await startReplySink();
  const secrets = newSecrets();
  const server = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, 'naive', 'naive-server.ts')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(PORT),
        BITRIX24_WEBHOOK_URL: crm.url,
        REPLY_API_BASE: sink.url,
        TELEGRAM_WEBHOOK_SECRET: secrets.telegramSecret,
        WHATSAPP_APP_SECRET: secrets.whatsappAppSecret,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  const figures: PeakFigures[] = [];
  try {
    await waitUntil(
      () =>
        fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
      () => 'the naive server did not start within 60 s',
    );
    let duplicatesBefore = 0;
    for (const [k, step] of steps.entries()) {
      const label = `naive ${k === 0 ? 'burst' : `step ${k}`}`;
      console.log(`${label}: ${step.rate} msg/s for ${step.seconds} s...`);
      const rss = new RssSampler();
      rss.start([{ name: 'naive', pid: () => server.pid }]);
      const since = Date.now();
      const load = await drive(base, step.rate, step.seconds, k * CLIENTS + 1, CLIENTS, secrets);
      const stats = (await (await fetch(`${base}/stats`)).json()) as NaiveStats;
      const { duplicates, originIds } = crmDuplicates(crm.fake);
      const mine = Object.entries(stats.timings).filter(([, t]) => t.receivedAt >= since);
      const lost = [...load.acceptedKeys].filter((key) => !originIds.has(key)).length;
      const firstReply = mine
        .filter(([, t]) => t.replyAt)
        .map(([, t]) => t.replyAt! - t.receivedAt)
        .sort((a, b) => a - b);
      const toCrm = mine
        .filter(([, t]) => t.crmAt)
        .map(([, t]) => t.crmAt! - t.receivedAt)
        .sort((a, b) => a - b);
      const f: PeakFigures = {
        label,
        rate: step.rate,
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
        peakBacklog: stats.peakInFlight,
        drainSeconds: 0,
        deadLetterPct: 0,
        avgRetries: load.retried / load.offered,
        rssMb: rss.stop(),
        notes: [
          ...(load.rejected
            ? [`${load.rejected} messages the provider gave up on after one retry: never in the CRM`]
            : []),
          'backlog = most requests in flight at once in the naive server so far; no queue to drain',
        ],
      };
      duplicatesBefore = duplicates;
      figures.push(f);
      printFigures([f]);
    }
    return figures;
  } finally {
    await new Promise<void>((resolve) => {
      if (server.exitCode !== null || server.signalCode !== null) return resolve();
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
    await crm.fake.stop();
    sink.server.close();
  }
}

async function main(): Promise<void> {
  const compare = process.argv.includes('--compare');
  const steps = compare ? plan().slice(0, 1) : plan();
  const naive = await runNaive(steps);
  const product = compare ? await runProduct('all', steps) : [];
  console.log(`\nbench:baseline${compare ? ' --compare' : ''}  ${assumptions()}`);
  printFigures([...naive, ...product]);
  if ([...naive, ...product].some((f) => f.lost > 0 || f.duplicates > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
