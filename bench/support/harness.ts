/**
 * What both peak benches share: the faulty Bitrix24, a sink for replies, RSS and backlog sampling, the figures
 * they print.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bitrixError, FakeBitrix24 } from '../../test/fakes/bitrix24/fake-bitrix24';
import type { FakeRequest } from '../../test/fakes/fake-http-server';

export const CRM_FAILURE_RATE = Number(process.env.BENCH_CRM_FAILURE_RATE ?? 0.2);
export const CRM_LATENCY_MS = Number(process.env.BENCH_CRM_LATENCY_MS ?? 300);

/** Bitrix24 answering in CRM_LATENCY_MS and failing CRM_FAILURE_RATE of calls with the errors a portal gives. */
export async function startFaultyBitrix(): Promise<{ fake: FakeBitrix24; url: string }> {
  const fake = new FakeBitrix24();
  fake.latencyMs = CRM_LATENCY_MS;
  const base = await fake.start();
  const creates = (r: FakeRequest) => /crm\.(lead|deal)\.add/.test(r.path);
  fake.failureRate = CRM_FAILURE_RATE;
  fake.randomFaults = [
    { fault: bitrixError('QUERY_LIMIT_EXCEEDED') },
    { fault: bitrixError('INTERNAL_SERVER_ERROR') },
    {
      fault: {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      },
    },
    { fault: 'hang' },
    { fault: 'drop-after', match: creates },
  ];
  return { fake, url: fake.webhookUrl(base) };
}

/** How many leads the CRM holds more than once (by ORIGIN_ID, our lead id or the naive server's message id). */
export function crmDuplicates(fake: FakeBitrix24): { duplicates: number; originIds: Set<string> } {
  const perOrigin = new Map<string, number>();
  for (const lead of fake.leads()) perOrigin.set(lead.originId, (perOrigin.get(lead.originId) ?? 0) + 1);
  const duplicates = [...perOrigin.values()].reduce((sum, n) => sum + n - 1, 0);
  return { duplicates, originIds: new Set(perOrigin.keys()) };
}

/** Answers like Telegram's sendMessage and the Graph API's /messages, so replies have somewhere to go. */
export async function startReplySink(): Promise<{ url: string; server: Server }> {
  let sent = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      sent += 1;
      const body = request.url?.includes('/bot')
        ? { ok: true, result: { message_id: sent, date: Math.floor(Date.now() / 1000), chat: { id: 1 } } }
        : { messaging_product: 'whatsapp', contacts: [], messages: [{ id: `wamid.sink${sent}` }] };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** VmRSS of a process in MB, or NaN when it has exited. */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN; // the process has exited
  }
}

/** Peak VmRSS (MB) of each named process, sampled every second while running. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  /** `pid` is read at each sample, so a process restarted under the same name is followed. */
  start(processes: Array<{ name: string; pid: () => number | undefined }>): void {
    const sample = () => {
      for (const { name, pid: current } of processes) {
        const mb = rssMb(current());
        if (!Number.isNaN(mb)) this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb));
      }
    };
    sample();
    this.timer = setInterval(sample, 1000);
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    return Object.fromEntries([...this.peaks].map(([name, mb]) => [name, Math.round(mb)]));
  }
}

export interface PeakFigures {
  label: string;
  rate: number;
  offered: number;
  accepted: number;
  rejected: number;
  lost: number;
  duplicates: number;
  firstReply: { p50: number; p95: number; p99: number };
  toCrm: { p50: number; p95: number };
  peakBacklog: number;
  drainSeconds: number;
  deadLetterPct: number;
  avgRetries: number;
  rssMb: Record<string, number>;
  notes: string[];
}

/** A run holds its rate when everything offered was accepted and nothing was lost or duplicated. */
export const held = (f: PeakFigures) => f.rejected === 0 && f.lost === 0 && f.duplicates === 0;

const ROWS: Array<[string, (f: PeakFigures) => string]> = [
  ['offered rate', (f) => `${f.rate.toFixed(0)} msg/s`],
  ['offered', (f) => String(f.offered)],
  ['accepted (2xx)', (f) => String(f.accepted)],
  ['rejected after retry', (f) => String(f.rejected)],
  ['lost', (f) => String(f.lost)],
  ['duplicates in CRM', (f) => String(f.duplicates)],
  ['first reply p50/p95/p99', (f) => `${f.firstReply.p50}/${f.firstReply.p95}/${f.firstReply.p99} ms`],
  ['to CRM p50/p95', (f) => `${f.toCrm.p50}/${f.toCrm.p95} ms`],
  ['peak backlog', (f) => String(f.peakBacklog)],
  ['drained after', (f) => `${f.drainSeconds.toFixed(1)} s`],
  ['dead letters', (f) => `${f.deadLetterPct.toFixed(2)} %`],
  ['average retries', (f) => f.avgRetries.toFixed(2)],
  [
    'peak RSS',
    (f) =>
      Object.entries(f.rssMb)
        .map(([name, mb]) => `${name} ${mb}`)
        .join(', ') + ' MB',
  ],
  ['held (no loss)', (f) => (held(f) ? 'yes' : 'NO')],
];

/** Prints runs side by side, one column each. */
export function printFigures(runs: PeakFigures[]): void {
  const width = Math.max(18, ...runs.map((r) => r.label.length + 2), ...runs.map((r) => ROWS[12][1](r).length + 2));
  console.log(`${''.padEnd(26)}${runs.map((r) => r.label.padStart(width)).join('')}`);
  for (const [name, cell] of ROWS)
    console.log(`${name.padEnd(26)}${runs.map((r) => cell(r).padStart(width)).join('')}`);
  for (const run of runs) for (const note of run.notes) console.log(`  ${run.label}: ${note}`);
}

/** Polls `check` every second until it returns true; throws `message` after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: () => string,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
