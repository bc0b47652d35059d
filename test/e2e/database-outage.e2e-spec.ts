import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, dropDatabase, PG_SERVER, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/** A TCP hop between the service and Postgres that the test can cut and restore, as a database restart does. */
class DatabaseLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    if (this.server?.listening) return;
    const target = new URL(PG_SERVER);
    this.server = createServer((client) => {
      const upstream = createConnection(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

const message = (sessionId: string, clientMessageId: string) => ({
  sessionId,
  clientMessageId,
  text: 'Здравствуйте, сколько стоит стрижка?',
});

describe('the database goes away: the service answers 503 with Retry-After and loses nothing', () => {
  const link = new DatabaseLink();
  let running: RunningApp;
  let db: Client;
  let env: ReturnType<typeof testEnv>;

  beforeAll(async () => {
    await link.open();
    const direct = testEnv();
    const url = new URL(direct.DATABASE_URL);
    url.port = String(link.port);
    env = testEnv({ DATABASE_URL: url.toString(), QUEUE_PREFIX: direct.QUEUE_PREFIX });
    running = await startApp(env);
    db = await connectDatabase(direct.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await link.open();
    await running?.close();
    await link.cut();
  });

  it('a message sent while the database is unreachable gets 503 problem+json with Retry-After, then goes through', async () => {
    const sessionId = webchatId('s');
    const clientMessageId = webchatId('m');
    await link.cut();

    const refused = await fetch(`${running.url}/api/v1/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message(sessionId, clientMessageId)),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await refused.json()) as { type: string };
    expect(problem).toMatchObject({ status: 503, instance: '/api/v1/webchat/messages' });
    expect(problem.type).toMatch(/storage-unavailable$/);
    expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|terminated|at /);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(503);

    await link.open();
    const retried = await request(`${running.url}/api/v1/webchat/messages`, {
      body: message(sessionId, clientMessageId),
    });
    expect(retried.status).toBe(202);
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'out' AND sent_at IS NOT NULL`,
          [retried.body.conversationId],
        );
        return rows[0].n === 1;
      },
      { timeoutMs: 10_000, what: 'the reply to the retried message' },
    );
    const stored = await db.query(`SELECT count(*)::int AS n FROM messages WHERE direction = 'in'`);
    expect(stored.rows[0].n).toBe(1);
  });
});

describe('the database goes away under a worker: its jobs wait in Redis, not for the relay', () => {
  const apiLink = new DatabaseLink();
  const workerLink = new DatabaseLink();
  const apps: RunningApp[] = [];
  let db: Client;
  let direct: ReturnType<typeof testEnv>;

  const through = (link: DatabaseLink) => {
    const url = new URL(direct.DATABASE_URL);
    url.port = String(link.port);
    return url.toString();
  };

  beforeAll(async () => {
    await apiLink.open();
    await workerLink.open();
    // A lease far longer than the test waits: only the worker itself can bring a job back in time.
    direct = testEnv({ OUTBOX_LEASE_MS: '120000' });
    apps.push(await startApp({ ...direct, DATABASE_URL: through(apiLink), APP_ROLE: 'api' }));
    apps.push(await startApp({ ...direct, DATABASE_URL: through(workerLink), APP_ROLE: 'worker' }));
    db = await connectDatabase(direct.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await workerLink.open();
    for (const app of apps.reverse()) await app.close({ dropDatabase: false });
    await apiLink.cut();
    await workerLink.cut();
    await dropDatabase(direct.DATABASE_URL);
  });

  it('a message accepted while the worker cannot reach the database is answered soon after it can', async () => {
    await workerLink.cut();
    const accepted = await request(`${apps[0].url}/api/v1/webchat/messages`, {
      body: message(webchatId('s'), webchatId('m')),
    });
    expect(accepted.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the worker takes the job and cannot read its row
    await workerLink.open();

    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'out' AND sent_at IS NOT NULL`,
          [accepted.body.conversationId],
        );
        return rows[0].n === 1;
      },
      { timeoutMs: 15_000, what: 'the reply, long before the 120 s lease' },
    );
  });
});
