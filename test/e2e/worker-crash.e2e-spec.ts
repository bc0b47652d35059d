import type { Client } from 'pg';
import { request, webchatId } from '../support/http';
import { envToStrings, spawnService, type ServiceProcess } from '../support/service-process';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/** api and worker as separate OS processes; the worker dies by SIGKILL at awkward moments. */
describe('a worker killed with SIGKILL loses nothing and doubles nothing', () => {
  const env = envToStrings(testEnv({ QUEUE_LOCK_DURATION_MS: '1500', OUTBOX_LEASE_MS: '3000', LOG_LEVEL: 'error' }));
  const processes: ServiceProcess[] = [];
  let api: ServiceProcess;
  let db: Client;

  const startWorker = async () => {
    const worker = await spawnService({ ...env, APP_ROLE: 'worker' });
    processes.push(worker);
    return worker;
  };
  const send = async (text: string) => {
    const answer = await request(`${api.url}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text },
    });
    expect(answer.status).toBe(202);
    return answer.body.conversationId as string;
  };
  const delivered = async (conversationIds: string[]) =>
    Number(
      (
        await db.query(
          `SELECT count(*) FROM leads l WHERE l.conversation_id = ANY($1::uuid[]) AND l.crm_status = 'delivered'
           AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = l.conversation_id AND m.direction = 'out' AND m.status = 'sent')`,
          [conversationIds],
        )
      ).rows[0].count,
    );

  async function expectExactlyOnce(conversationIds: string[]): Promise<void> {
    await waitFor(async () => (await delivered(conversationIds)) === conversationIds.length, {
      timeoutMs: 30000,
      what: `${conversationIds.length} conversations answered and delivered`,
    });
    const { rows } = await db.query(
      `SELECT c.id,
         (SELECT count(*)::int FROM leads l WHERE l.conversation_id = c.id) AS leads,
         (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS replies,
         (SELECT count(*)::int FROM local_crm_leads k JOIN leads l ON l.id = k.lead_id WHERE l.conversation_id = c.id) AS crm
       FROM conversations c WHERE c.id = ANY($1::uuid[])`,
      [conversationIds],
    );
    expect(rows).toHaveLength(conversationIds.length);
    for (const row of rows) expect(row).toEqual({ id: row.id, leads: 1, replies: 1, crm: 1 });
  }

  beforeAll(async () => {
    api = await spawnService({ ...env, APP_ROLE: 'api' });
    processes.push(api);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    for (const child of processes) await child.kill('SIGTERM');
    await db?.end();
    await dropDatabase(env.DATABASE_URL);
  });

  it('killed after the messages were accepted and before they were processed: a new worker processes each once', async () => {
    const first = await startWorker();
    await expectExactlyOnce([await send('здравствуйте')]); // the worker is up and working

    first.child.kill('SIGSTOP'); // frozen: it may already hold jobs it will never finish
    const pending = [];
    for (let i = 0; i < 5; i++) pending.push(await send(`можно записаться на маникюр в субботу? (${i})`));
    await first.kill('SIGKILL');
    expect(await delivered(pending)).toBe(0);

    await startWorker();
    await expectExactlyOnce(pending);
  });

  it('killed in the middle of a burst: every message is answered once and every lead reaches the CRM once', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, (_, i) => send(`сколько стоит стрижка? вопрос ${i}`)));
    const victim = processes[processes.length - 1];
    await waitFor(async () => (await delivered(burst)) > 0, { what: 'some of the burst processed' });
    await victim.kill('SIGKILL');

    await startWorker();
    await expectExactlyOnce(burst);
  });
});
