/**
 * `npm run bench:crm-spike -- [--provider bitrix24|amocrm] [--clients 1500] [--seconds 60] [--failure-rate 0.2]
 *   [--command-ms 200]`
 *
 * A promo's spike against the CRM at its real limits: CLIENTS new website clients write twice each within SECONDS
 * (the second message 2-5 s after the first). Bitrix24 is the fake portal at a standard cloud plan's leaky bucket
 * (2 requests/s, burst 50), charging COMMAND_MS per command (inside a batch too) and its operating-time limit, with
 * FAILURE_RATE of the requests failing: 5xx, QUERY_LIMIT_EXCEEDED, a hang, an answer lost after the request (a
 * whole batch) ran, and per-command errors inside batches. amoCRM is the fake account at 7 requests/s, COMMAND_MS a
 * request, with FAILURE_RATE of 5xx, 429, hangs and answers lost after a create.
 *
 * Prints time to CRM per lead (from the client's first message to the lead appearing in the portal) p50/p95, the
 * drain time (last message to the last message in the portal), CRM requests and write commands per lead, dead
 * letters and duplicates. Exits non-zero when a lead or a follow-up message is missing from the portal (and not
 * dead-lettered) or is there twice.
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
import type { CrmFakeView } from '../test/support/crm-contract';
import { percentile } from './support/load';

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: process.env.BENCH_CRM_PROVIDER ?? 'bitrix24' },
    clients: { type: 'string', default: process.env.BENCH_CLIENTS ?? '1500' },
    seconds: { type: 'string', default: process.env.BENCH_SECONDS ?? '60' },
    'failure-rate': { type: 'string', default: process.env.BENCH_CRM_FAILURE_RATE ?? '0.2' },
    'command-ms': { type: 'string', default: process.env.BENCH_CRM_COMMAND_MS ?? '200' },
    'drain-timeout-s': { type: 'string', default: process.env.BENCH_DRAIN_TIMEOUT_S ?? '900' },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const FAILURE_RATE = Number(args['failure-rate']);
const COMMAND_MS = Number(args['command-ms']);
const DRAIN_TIMEOUT_MS = Number(args['drain-timeout-s']) * 1000;
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432';
const REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What each client writes: a marker per message lets the bench find every message in the portal. */
const marker = (client: number, message: 1 | 2) => `[k${client}m${message}]`;
const TEXTS = [
  (c: number) => `Здравствуйте! Хочу записаться на маникюр на этой неделе ${marker(c, 1)}`,
  (c: number) => `И подскажите, сколько стоит покрытие гель-лаком? ${marker(c, 2)}`,
];

interface Portal {
  view: CrmFakeView;
  env: Record<string, string>;
  /** The lead's texts in the CRM: Bitrix24's COMMENTS field of the filed lead, timeline comments, amoCRM notes. */
  textsOf(lead: { id: string; originId: string }): string[];
  requests(): number;
  writes(): number;
  refused(): number;
  limits: string;
  stop(): Promise<void>;
}

async function startBitrix24(): Promise<Portal> {
  const portal = new FakeBitrix24().useCloudLimits('standard');
  portal.latencyMs = COMMAND_MS;
  portal.commandLatencyMs = COMMAND_MS;
  const webhook = portal.webhookUrl(await portal.start());
  const creates = (r: FakeRequest) => /crm\.(lead|deal)\.add|batch/.test(r.path);
  portal.failureRate = FAILURE_RATE;
  portal.randomFaults = [
    { fault: bitrixError('INTERNAL_SERVER_ERROR') },
    { fault: bitrixError('QUERY_LIMIT_EXCEEDED') },
    { fault: 'hang' },
    { fault: 'drop-after', match: creates },
  ];
  // Per-command errors inside batches: a share of the commands fail on their own, the rest of the batch runs.
  portal.failCommands(
    () => Math.random() < FAILURE_RATE / 4,
    { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error', status: 500 },
    Infinity,
  );
  return {
    view: portal,
    env: {
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: webhook,
      BITRIX24_RATE_PER_SEC: '2',
      BITRIX24_RATE_BURST: '50',
    },
    textsOf: (lead) => {
      const filed = portal
        .commandLog('crm.lead.add')
        .find((c) => c.ok && String(c.params.fields?.ORIGIN_ID) === lead.originId);
      return [String(filed?.params.fields?.COMMENTS ?? ''), ...portal.comments(lead.id)];
    },
    requests: () => portal.httpCalls(),
    writes: () => portal.writeCommandCount(),
    refused: () => portal.bucketRefusals,
    limits: 'Bitrix24 cloud limits (2 req/s, burst 50)',
    stop: () => portal.stop(),
  };
}

async function startAmoCrm(): Promise<Portal> {
  const account = new FakeAmoCrm({ ratePerSec: AMO_RATE_PER_SEC });
  account.latencyMs = COMMAND_MS;
  const base = await account.start();
  const creates = (r: FakeRequest) => /leads\/complex/.test(r.path);
  account.failureRate = FAILURE_RATE;
  account.randomFaults = [
    { fault: { status: 500, body: { title: 'Internal Server Error', status: 500 } } },
    { fault: { status: 429, headers: { 'retry-after': '1' }, body: { title: 'Too Many Requests', status: 429 } } },
    { fault: 'hang' },
    { fault: 'drop-after', match: creates },
  ];
  return {
    view: account,
    env: { ...account.benchEnv(base), AMOCRM_RATE_PER_SEC: String(AMO_RATE_PER_SEC - 1) },
    textsOf: (lead) => account.comments(lead.id),
    requests: () => account.httpCalls(),
    writes: () => account.writeItemCount(),
    refused: () => account.rateRefusals,
    limits: 'amoCRM limit (7 req/s)',
    stop: () => account.stop(),
  };
}

/** When each lead first appeared in the CRM, by our lead id, sampled every 250 ms. */
function watchArrivals(view: CrmFakeView): { seenAt: Map<string, number>; stop(): void } {
  const seenAt = new Map<string, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const lead of view.leads()) if (!seenAt.has(lead.originId)) seenAt.set(lead.originId, now);
  }, 250);
  return { seenAt, stop: () => clearInterval(timer) };
}

/** How often each message's marker is in the CRM. */
function markersIn(portal: Portal): Map<string, number> {
  const seen = new Map<string, number>();
  for (const lead of portal.view.leads()) {
    for (const text of portal.textsOf(lead)) {
      for (const found of text.match(/\[k\d+m[12]\]/g) ?? []) seen.set(found, (seen.get(found) ?? 0) + 1);
    }
  }
  return seen;
}

async function main(): Promise<void> {
  const portal = args.provider === 'amocrm' ? await startAmoCrm() : await startBitrix24();
  const arrivals = watchArrivals(portal.view);
  const id = randomBytes(3).toString('hex');
  const env = validateEnvironment({
    DATABASE_URL: `${PG}/volna_bench_spike_${id}`,
    REDIS_URL: REDIS,
    QUEUE_PREFIX: `bench-spike-${id}`,
    ADMIN_API_TOKEN: randomBytes(16).toString('hex'),
    LOG_LEVEL: 'error',
    ...portal.env,
    CRM_REDRIVE_ENABLED: 'false', // dead letters stay final, so the bench can count them
  });
  const app = await createHttpApp(env);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  let failed = false;
  try {
    // Each client's first message at a random moment of the window, the second 2-5 s later.
    const sends = Array.from({ length: CLIENTS }, (_, client) => {
      const first = Math.random() * Math.max(0, SECONDS - 5) * 1000;
      return [
        { client, message: 1 as const, at: first },
        { client, message: 2 as const, at: first + 2000 + Math.random() * 3000 },
      ];
    })
      .flat()
      .sort((a, b) => a.at - b.at);
    const firstSentAt = new Map<number, number>();
    const started = Date.now();
    let rejected = 0;
    await Promise.all(
      sends.map(async ({ client, message, at }) => {
        await new Promise((resolve) => setTimeout(resolve, at));
        if (message === 1) firstSentAt.set(client, Date.now());
        const response = await fetch(`${url}/api/v1/webchat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            sessionId: `spike-${id}-${client}`,
            clientMessageId: `m-${id}-${client}-${message}`,
            text: TEXTS[message - 1](client),
            name: `Клиент ${client}`,
            phone: `+7913${String(1000000 + client).slice(-7)}`,
          }),
        });
        if (!response.ok) rejected++;
      }),
    );
    const lastSentAt = Date.now();
    console.log(
      `sent ${sends.length} messages in ${((lastSentAt - started) / 1000).toFixed(1)} s; waiting for the CRM`,
    );

    const open = async () =>
      Number(
        (await db.query("SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic = 'crm.sync'"))
          .rows[0].n,
      );
    let drainedAt = NaN;
    for (let last = 0; Date.now() - lastSentAt < DRAIN_TIMEOUT_MS;) {
      const pending = await open();
      if (pending === 0) {
        drainedAt = Date.now();
        break;
      }
      if (Date.now() - last > 15_000) {
        last = Date.now();
        console.log(
          `  ${((Date.now() - lastSentAt) / 1000).toFixed(0)} s after the load: ${pending} CRM syncs pending`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const { rows: leads } = await db.query<{ id: string; session: string }>(
      `SELECT l.id, cv.external_thread_id AS session FROM leads l JOIN conversations cv ON cv.id = l.conversation_id`,
    );
    const clientOfLead = new Map(leads.map((l) => [l.id, Number(l.session.split('-').at(-1))]));
    const deadLeads = new Set(
      (
        await db.query<{ lead_id: string }>(
          "SELECT payload->>'leadId' AS lead_id FROM dead_letters WHERE topic = 'crm.sync'",
        )
      ).rows.map((r) => r.lead_id),
    );
    arrivals.stop();
    const seen = markersIn(portal);
    const leadSeenAt = arrivals.seenAt;
    const perOrigin = new Map<string, number>();
    for (const lead of portal.view.leads()) perOrigin.set(lead.originId, (perOrigin.get(lead.originId) ?? 0) + 1);
    const duplicateLeads = [...perOrigin.values()].reduce((sum, n) => sum + n - 1, 0);
    const duplicateMessages = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);

    let missingLeads = 0;
    let missingMessages = 0;
    const toCrm: number[] = [];
    for (const [leadId, client] of clientOfLead) {
      if (deadLeads.has(leadId)) continue;
      const seenAt = leadSeenAt.get(leadId);
      if (seenAt === undefined) missingLeads++;
      else toCrm.push(seenAt - (firstSentAt.get(client) ?? seenAt));
      for (const message of [1, 2] as const) {
        if (seen.has(marker(client, message))) continue;
        missingMessages++;
        if (process.env.BENCH_DEBUG) {
          const { rows } = await db.query(
            `SELECT l.crm_status, l.crm_external_id, l.crm_synced_through, l.crm_delivered_at, l.crm_refs,
                    (SELECT json_agg(json_build_object('at', m.created_at, 'dir', m.direction, 'text', left(m.text, 40)) ORDER BY m.created_at) FROM messages m WHERE m.conversation_id = l.conversation_id) AS msgs,
                    (SELECT json_agg(json_build_object('s', o.status, 'a', o.attempts, 'log', o.attempt_log)) FROM outbox o WHERE o.topic = 'crm.sync' AND o.payload->>'leadId' = l.id::text) AS syncs
             FROM leads l WHERE l.id = $1`,
            [leadId],
          );
          console.log(marker(client, message), JSON.stringify(rows[0], null, 1));
        }
      }
    }
    toCrm.sort((a, b) => a - b);
    const within60s = toCrm.filter((ms) => ms <= 60_000).length;

    console.log(
      `\nbench:crm-spike  ${CLIENTS} clients × 2 messages in ${SECONDS} s; ${portal.limits}, ` +
        `${COMMAND_MS} ms a command, ${FAILURE_RATE * 100} % faults; node ${process.version}`,
    );
    console.log(`leads                     ${clientOfLead.size} (${rejected} messages rejected)`);
    console.log(
      `time to CRM p50/p95       ${(percentile(toCrm, 50) / 1000).toFixed(1)} / ${(percentile(toCrm, 95) / 1000).toFixed(1)} s`,
    );
    console.log(`leads in CRM within 60 s  ${within60s}`);
    console.log(
      `drain after last message  ${Number.isNaN(drainedAt) ? `not drained in ${DRAIN_TIMEOUT_MS / 1000} s` : `${((drainedAt - lastSentAt) / 1000).toFixed(1)} s`}`,
    );
    console.log(
      `CRM requests per lead     ${(portal.requests() / clientOfLead.size).toFixed(2)} (${portal.requests()} requests, ${portal.refused()} refused by the CRM's limit)`,
    );
    console.log(`write commands per lead   ${(portal.writes() / clientOfLead.size).toFixed(2)}`);
    console.log(`dead letters              ${deadLeads.size}`);
    console.log(`duplicates                ${duplicateLeads} leads, ${duplicateMessages} messages`);
    console.log(`missing                   ${missingLeads} leads, ${missingMessages} messages (not dead-lettered)`);
    failed = missingLeads + missingMessages + duplicateLeads + duplicateMessages > 0 || Number.isNaN(drainedAt);
  } finally {
    await db.end();
    arrivals.stop();
    await app.close();
    await portal.stop();
    const admin = new Client({ connectionString: `${PG}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS volna_bench_spike_${id} WITH (FORCE)`);
    await admin.end();
  }
  if (failed) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
