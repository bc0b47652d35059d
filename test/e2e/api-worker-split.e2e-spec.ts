import { Queue } from 'bullmq';
import type { Client } from 'pg';
import { redisConnection } from '../../src/config/redis-connection';
import { request, webchatId } from '../support/http';
import { freePort } from '../support/redis-server';
import { envToStrings, spawnService, type ServiceProcess } from '../support/service-process';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * APP_ROLE=api serves HTTP and runs no queue worker, no relay and no purge; APP_ROLE=worker runs them and has no
 * HTTP port. Two OS processes against one Postgres and one Redis, as deployed.
 */
describe('APP_ROLE: an api process and a worker process', () => {
  const env = envToStrings(testEnv({ LOG_LEVEL: 'warn' }));
  const processes: ServiceProcess[] = [];
  let api: ServiceProcess;
  let db: Client;
  let triageQueue: Queue;

  const start = async (role: 'api' | 'worker', port?: string) => {
    const { PORT: _default, ...rest } = env;
    const service = await spawnService({ ...rest, APP_ROLE: role, ...(port ? { PORT: port } : {}) });
    processes.push(service);
    return service;
  };
  const send = async (text: string, extra: Record<string, string> = {}) => {
    const sessionId = webchatId('s');
    const answer = await request(`${api.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text, ...extra },
    });
    expect(answer.status).toBe(202);
    return { sessionId, ...(answer.body as { messageId: string; conversationId: string }) };
  };
  const progress = async (conversationId: string) =>
    (
      await db.query(
        `SELECT
           (SELECT count(*)::int FROM messages WHERE conversation_id = $1 AND direction = 'in' AND triage IS NOT NULL) AS triaged,
           (SELECT count(*)::int FROM messages WHERE conversation_id = $1 AND direction = 'out') AS replies,
           (SELECT count(*)::int FROM messages WHERE conversation_id = $1 AND direction = 'out' AND status = 'sent') AS sent,
           (SELECT count(*)::int FROM leads WHERE conversation_id = $1) AS leads,
           (SELECT count(*)::int FROM leads WHERE conversation_id = $1 AND crm_status = 'delivered') AS delivered`,
        [conversationId],
      )
    ).rows[0] as { triaged: number; replies: number; sent: number; leads: number; delivered: number };

  /** Polls `probe` for `forMs` and fails at the first false: for what must NOT happen while nobody can do it. */
  async function staysTrue(probe: () => Promise<boolean>, forMs: number, what: string): Promise<void> {
    const until = Date.now() + forMs;
    while (Date.now() < until) {
      if (!(await probe())) throw new Error(`no longer true: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    api = await start('api');
    db = await connectDatabase(env.DATABASE_URL);
    triageQueue = new Queue('triage.process', { connection: redisConnection(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
  });
  afterAll(async () => {
    for (const service of processes) await service.kill('SIGTERM');
    await triageQueue?.close();
    await db?.end();
    await dropDatabase(env.DATABASE_URL);
  });

  it('the api runs no workers: an accepted message waits in the queue until a worker starts, then is done once', async () => {
    const { conversationId } = await send('Здравствуйте, можно на маникюр в пятницу вечером?');

    // The api published the job at once; nobody in the api process takes it.
    await waitFor(async () => (await triageQueue.getJobCounts('waiting')).waiting === 1, {
      what: 'the triage job waiting in Redis',
    });
    const untouched = async () => {
      const counts = await triageQueue.getJobCounts('waiting', 'active', 'completed');
      const state = await progress(conversationId);
      return counts.waiting === 1 && counts.active === 0 && state.triaged === 0 && state.leads === 0;
    };
    // Longer than a relay sweep, a lock period and a retry: enough for any worker in the api to have shown up.
    await staysTrue(untouched, 2500, 'the message is untouched while only the api runs');
    expect(await progress(conversationId)).toEqual({ triaged: 0, replies: 0, sent: 0, leads: 0, delivered: 0 });

    const workerPort = String(await freePort());
    await start('worker', workerPort);
    await waitFor(async () => (await progress(conversationId)).delivered === 1, {
      timeoutMs: 20000,
      what: 'the worker processing the waiting message',
    });
    await waitFor(async () => (await progress(conversationId)).sent === 1, { what: 'the reply sent' });
    expect(await progress(conversationId)).toEqual({ triaged: 1, replies: 1, sent: 1, leads: 1, delivered: 1 });
    // The worker serves no HTTP.
    await expect(fetch(`http://127.0.0.1:${workerPort}/health/live`)).rejects.toThrow();
  });

  it('a webchat message accepted by the api gets its reply (in the transcript) and its lead from the worker', async () => {
    const started = Date.now();
    const { sessionId, conversationId } = await send('Добрый день! Сколько стоит стрижка? Меня зовут Ольга', {
      name: 'Ольга',
      phone: '+7 913 555-01-02',
    });
    const transcript = await waitFor(
      async () => {
        const { body } = await request(`${api.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages?.length === 2 && body.messages;
      },
      { what: 'the bot reply in the transcript served by the api' },
    );
    const answeredMs = Date.now() - started;
    expect(transcript.map((m: { from: string }) => m.from)).toEqual(['client', 'bot']);
    await waitFor(async () => (await progress(conversationId)).delivered === 1, { what: 'the lead filed' });
    expect(await progress(conversationId)).toEqual({ triaged: 1, replies: 1, sent: 1, leads: 1, delivered: 1 });
    const lead = await db.query(
      `SELECT c.phone_e164, k.payload->'contact'->>'name' AS crm_name FROM leads l
       JOIN contacts c ON c.id = l.contact_id JOIN local_crm_leads k ON k.lead_id = l.id WHERE l.conversation_id = $1`,
      [conversationId],
    );
    expect(lead.rows[0]).toEqual({ phone_e164: '+79135550102', crm_name: 'Ольга' });
    console.log(`api accepted, worker answered: the reply was in the transcript ${answeredMs} ms after the post`);
  });
});
