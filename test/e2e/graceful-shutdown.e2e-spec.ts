import { request as httpRequest } from 'node:http';
import type { Client } from 'pg';
import { request, webchatId } from '../support/http';
import { envToStrings, spawnService, type ServiceProcess } from '../support/service-process';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

type Outcome = { kind: 'accepted'; conversationId: string; at: number } | { kind: 'refused' | 'error'; detail: string };

/**
 * SIGTERM as an orchestrator sends it: readiness turns 503 at once, HTTP keeps serving for SHUTDOWN_DRAIN_MS, then
 * the port closes after the requests in flight are answered, then the workers finish. Nothing accepted is lost.
 */
describe('graceful shutdown', () => {
  const env = envToStrings(testEnv({ LOG_LEVEL: 'warn', OUTBOX_LEASE_MS: '2000' }));
  const processes: ServiceProcess[] = [];
  let db: Client;

  const start = async (role: 'api' | 'worker', extra: Record<string, string> = {}) => {
    const { PORT: _default, ...rest } = env; // a free port each, not the default 3000
    const service = await spawnService({ ...rest, APP_ROLE: role, ...extra });
    processes.push(service);
    return service;
  };
  const message = (i: number, tag = 'стрижку') => ({
    sessionId: webchatId('s'),
    clientMessageId: webchatId('m'),
    text: `можно записаться на ${tag} в субботу? (${i})`,
  });
  /** Stopped by the signal it was sent, or exited 0: either is a clean stop. */
  const stoppedCleanly = (service: ServiceProcess) =>
    service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0;

  async function post(api: ServiceProcess, i: number, tag?: string): Promise<Outcome> {
    try {
      const answer = await request(`${api.url}/api/v1/webchat/messages`, { body: message(i, tag) });
      if (answer.status === 202)
        return { kind: 'accepted', conversationId: answer.body.conversationId, at: Date.now() };
      return {
        kind: answer.status === 503 ? 'refused' : 'error',
        detail: `${answer.status} ${JSON.stringify(answer.body)}`,
      };
    } catch (error) {
      return { kind: 'refused', detail: String((error as Error & { cause?: Error }).cause ?? error) };
    }
  }

  /** Every conversation has exactly one lead filed in the CRM once and exactly one reply sent. */
  async function expectEachDeliveredOnce(conversationIds: string[], timeoutMs = 60000): Promise<void> {
    const counts = async () =>
      (
        await db.query(
          `SELECT c.id,
             (SELECT count(*)::int FROM leads l WHERE l.conversation_id = c.id) AS leads,
             (SELECT count(*)::int FROM leads l WHERE l.conversation_id = c.id AND l.crm_status = 'delivered') AS delivered,
             (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS replies,
             (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out'
                AND m.status = 'sent') AS sent,
             (SELECT count(*)::int FROM local_crm_leads k JOIN leads l ON l.id = k.lead_id
                WHERE l.conversation_id = c.id) AS crm
           FROM conversations c WHERE c.id = ANY($1::uuid[])`,
          [conversationIds],
        )
      ).rows as Array<{ id: string; leads: number; delivered: number; replies: number; sent: number; crm: number }>;
    const rows = await waitFor(
      async () => {
        const current = await counts();
        return current.length === conversationIds.length && current.every((r) => r.delivered === 1 && r.sent === 1)
          ? current
          : null;
      },
      { timeoutMs, what: `${conversationIds.length} conversations answered and filed` },
    );
    for (const row of rows) expect(row).toEqual({ id: row.id, leads: 1, delivered: 1, replies: 1, sent: 1, crm: 1 });
  }

  beforeAll(async () => {
    // Create the database and apply the migrations once, before processes race for them.
    const first = await start('api');
    await first.kill('SIGTERM');
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    for (const service of processes) await service.kill('SIGKILL');
    await db?.end();
    await dropDatabase(env.DATABASE_URL);
  });

  it('readiness turns 503 "shutting down" at once, HTTP serves through the drain, then the port closes', async () => {
    const api = await start('api', { SHUTDOWN_DRAIN_MS: '1500' });
    expect((await request(`${api.url}/health/ready`)).status).toBe(200);

    const signalled = Date.now();
    api.child.kill('SIGTERM');
    const notReady = await waitFor(
      async () => {
        const answer = await request(`${api.url}/health/ready`);
        return answer.status === 503 && answer;
      },
      { timeoutMs: 1000, intervalMs: 10, what: 'readiness 503 after SIGTERM' },
    );
    const flippedAfterMs = Date.now() - signalled;
    expect(notReady.contentType).toContain('application/problem+json');
    expect(notReady.body).toMatchObject({ status: 503, detail: 'Not ready: shutting down' });

    // Still serving while the orchestrator takes the instance out of its endpoints.
    expect((await request(`${api.url}/health/live`)).status).toBe(200);
    const during = await post(api, 0);
    expect(during.kind).toBe('accepted');

    await api.exited;
    const stoppedAfterMs = Date.now() - signalled;
    expect(stoppedCleanly(api)).toBe(true);
    expect(flippedAfterMs).toBeLessThan(500);
    expect(stoppedAfterMs).toBeGreaterThanOrEqual(1500);
    expect(stoppedAfterMs).toBeLessThan(10000);
    await expect(fetch(`${api.url}/health/live`)).rejects.toThrow();
    expect(api.output()).not.toMatch(/"level":(50|60)/);
    console.log(`readiness 503 after ${flippedAfterMs} ms; process gone after ${stoppedAfterMs} ms (drain 1500 ms)`);
  });

  it('a request still uploading when SIGTERM arrives is answered before the port closes', async () => {
    const api = await start('api', { SHUTDOWN_DRAIN_MS: '0' });
    const body = Buffer.from(JSON.stringify(message(1)));
    const url = new URL(`${api.url}/api/v1/webchat/messages`);
    let stillRunningWhenBodyEnded = false;
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.setHeader('content-type', 'application/json');
      req.setHeader('content-length', body.length);
      req.on('error', reject);
      req.flushHeaders();
      req.write(body.subarray(0, 10));
      req.once('socket', (socket) =>
        socket.once('connect', () => {
          // Give the server a moment to take the connection and start reading, then stop it: the rest of the
          // body arrives only after the signal, so the request is in flight through the whole shutdown.
          setTimeout(() => api.child.kill('SIGTERM'), 300);
          setTimeout(() => {
            stillRunningWhenBodyEnded = api.child.exitCode === null && api.child.signalCode === null;
            req.end(body.subarray(10));
          }, 1000);
        }),
      );
    });

    const answered = await answer;
    expect(answered.status).toBe(202);
    expect(stillRunningWhenBodyEnded).toBe(true);
    await api.exited;
    expect(stoppedCleanly(api)).toBe(true);
    const { conversationId } = JSON.parse(answered.body);
    expect((await db.query('SELECT 1 FROM conversations WHERE id = $1', [conversationId])).rowCount).toBe(1);
  });

  it('SIGTERM to the api under load: every 202 gets its reply and lead once; the rest are refused, never lost', async () => {
    const worker = await start('worker');
    const api = await start('api', { SHUTDOWN_DRAIN_MS: '1000' });
    // Clients keep posting until the api refuses them (however long the drain takes on a loaded machine).
    const limit = 1500;
    const concurrency = 20;
    const outcomes: Outcome[] = [];
    let next = 0;
    let signalledAt = 0;
    const client = async () => {
      while (next < limit && !outcomes.some((o) => o.kind === 'refused')) {
        const outcome = await post(api, next++, 'маникюр');
        outcomes.push(outcome);
        if (!signalledAt && outcomes.filter((o) => o.kind === 'accepted').length >= 100) {
          signalledAt = Date.now();
          api.child.kill('SIGTERM');
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, client));
    const postedMs = Date.now() - started;
    await api.exited;

    const total = outcomes.length;
    const accepted = outcomes.filter((o): o is Extract<Outcome, { kind: 'accepted' }> => o.kind === 'accepted');
    const refused = outcomes.filter((o) => o.kind === 'refused');
    const errors = outcomes.filter((o) => o.kind === 'error');
    const acceptedAfterSignal = accepted.filter((o) => o.at > signalledAt).length;
    console.log(
      `${total} posted in ${postedMs} ms by ${concurrency} clients: ${accepted.length} accepted ` +
        `(${acceptedAfterSignal} during the drain), ${refused.length} refused (connection closed or 503)`,
    );
    expect(errors).toEqual([]);
    expect(accepted.length + refused.length).toBe(total);
    expect(accepted.length).toBeGreaterThanOrEqual(100);
    expect(acceptedAfterSignal).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(stoppedCleanly(api)).toBe(true);

    const conversationIds = accepted.map((o) => o.conversationId);
    expect(new Set(conversationIds).size).toBe(conversationIds.length);
    await expectEachDeliveredOnce(conversationIds);
    // Refused requests stored nothing: every stored conversation is one the client was told about.
    const stored = await db.query(
      "SELECT count(DISTINCT conversation_id)::int AS n FROM messages WHERE direction = 'in' AND text LIKE '%маникюр%'",
    );
    expect(stored.rows[0].n).toBe(accepted.length);
    expect(api.output()).not.toMatch(/"level":(50|60)/);
    await worker.kill('SIGTERM');
  });

  it('SIGTERM to a worker in the middle of processing, then a new worker: nothing lost, nothing doubled', async () => {
    const api = await start('api', { SHUTDOWN_DRAIN_MS: '0' });
    const first = await start('worker');
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => post(api, 1000 + i)));
    expect(burst.every((o) => o.kind === 'accepted')).toBe(true);
    const conversationIds = burst.map((o) => (o as Extract<Outcome, { kind: 'accepted' }>).conversationId);

    await waitFor(
      async () =>
        (
          await db.query(
            "SELECT 1 FROM leads WHERE conversation_id = ANY($1::uuid[]) AND crm_status = 'delivered' LIMIT 1",
            [conversationIds],
          )
        ).rowCount,
      { what: 'the first worker processing the burst' },
    );
    const deliveredAtSignal = Number(
      (
        await db.query(
          "SELECT count(*) AS n FROM leads WHERE conversation_id = ANY($1::uuid[]) AND crm_status = 'delivered'",
          [conversationIds],
        )
      ).rows[0].n,
    );
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    await first.exited;
    const stoppedAfterMs = Date.now() - signalled;
    expect(stoppedCleanly(first)).toBe(true);
    expect(stoppedAfterMs).toBeLessThan(25000);
    expect(first.output()).not.toMatch(/"level":(50|60)/);

    await start('worker');
    await expectEachDeliveredOnce(conversationIds);
    expect(deliveredAtSignal).toBeLessThan(conversationIds.length); // the successor had work left
    console.log(
      `worker stopped ${stoppedAfterMs} ms after SIGTERM with ${deliveredAtSignal}/${conversationIds.length} ` +
        'leads filed; its successor finished the burst',
    );
    await api.kill('SIGTERM');
  });
});
