import { hostname } from 'node:os';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Client } from 'pg';
import { OpsMonitor } from '../../src/modules/admin/application/ops-monitor';
import { FakeHttpServer } from '../fakes/fake-http-server';
import { FAKE_OPENAI_KEY, FakeOpenAi, openAiError } from '../fakes/openai/fake-openai';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

interface WebhookAlert {
  text: string;
  alert: string;
  count: number;
}

/**
 * Operational alerts reach the managers (here: the alert webhook) once when a condition starts and once when it
 * clears, however often the monitors look in between, with the real monitor, Postgres, Redis and BullMQ.
 */
describe('operational alerts to the managers', () => {
  const webhook = new FakeHttpServer();
  const received: WebhookAlert[] = [];
  let webhookUrl: string;

  beforeAll(async () => {
    webhook.route('POST', '/hooks/ops', (req) => {
      received.push(req.body as WebhookAlert);
      return { status: 204 };
    });
    webhookUrl = `${await webhook.start()}/hooks/ops`;
  });
  afterAll(async () => {
    await webhook.stop();
  });

  const alerts = (group: string) => received.filter((call) => call.alert === group);
  const arrived = (group: string) =>
    waitFor(async () => alerts(group).length > 0 && alerts(group)[0], { what: `alert ${group}` });

  /** Waits until every monitor has looked `times` more times. */
  async function monitorsLook(monitors: OpsMonitor[], times: number): Promise<void> {
    const targets = monitors.map((monitor) => monitor.checksCompleted + times);
    await waitFor(async () => monitors.every((monitor, i) => monitor.checksCompleted >= targets[i]), {
      what: `${times} more checks`,
    });
  }

  describe('queues, dead letters and the CRM circuit, watched by two workers sharing Postgres and Redis', () => {
    let first: RunningApp;
    let second: RunningApp;
    let monitors: OpsMonitor[];
    let db: Client;

    beforeAll(async () => {
      const env = testEnv({
        OPS_MONITOR_INTERVAL_MS: '100',
        OPS_BACKLOG_ALERT: '3',
        OPS_BACKLOG_ALERT_AFTER_MS: '300',
        OPS_DEAD_LETTERS_ALERT: '2',
        OPS_DEAD_LETTERS_WINDOW_MINUTES: '15',
        ALERT_GROUP_WINDOW_MS: '0',
        ALERT_WEBHOOK_URL: webhookUrl,
        CRM_REDRIVE_ENABLED: 'false',
      });
      first = await startApp(env);
      second = await startApp(env);
      monitors = [first, second].map((running) => running.app.get(OpsMonitor));
      db = await connectDatabase(env.DATABASE_URL);
    });
    afterAll(async () => {
      await db?.end();
      await second?.close({ dropDatabase: false });
      await first?.close();
    });

    it('a queue over the threshold for long enough: one alert; drained: one recovery; nothing repeated between', async () => {
      const queue = first.app.get<Queue>(getQueueToken('inbound.ack'), { strict: false });
      await queue.pause();
      const queuedAt = Date.now();
      // Jobs of outbox rows that do not exist: once the queue runs again, each finds nothing to do.
      await queue.addBulk(
        Array.from({ length: 5 }, (_, i) => ({
          name: 'inbound.ack',
          data: { outboxId: String(900_000 + i) },
          opts: { jobId: `ob-${900_000 + i}` },
        })),
      );

      const alert = await arrived('ops:queue-backlog:inbound.ack');
      expect(Date.now() - queuedAt).toBeGreaterThanOrEqual(300);
      expect(alert.text).toMatch(/Очередь inbound\.ack не успевает: больше 3 задач ждут обработки/);
      expect(alert.text).toMatch(/в очереди 5 задач/);

      await monitorsLook(monitors, 5);
      expect(alerts('ops:queue-backlog:inbound.ack')).toEqual([expect.objectContaining({ count: 1 })]);
      expect(alerts('ops:queue-backlog:inbound.ack:recovered')).toHaveLength(0);

      await queue.resume();
      const recovery = await arrived('ops:queue-backlog:inbound.ack:recovered');
      expect(recovery.text).toMatch(/Очередь inbound\.ack снова успевает/);

      await monitorsLook(monitors, 5);
      expect(alerts('ops:queue-backlog:inbound.ack')).toHaveLength(1);
      expect(alerts('ops:queue-backlog:inbound.ack:recovered')).toHaveLength(1);
      expect(received.map((call) => call.alert)).toEqual([
        'ops:queue-backlog:inbound.ack',
        'ops:queue-backlog:inbound.ack:recovered',
      ]);
    });

    it('dead letters piling up and CRM deliveries held back: one alert each, one recovery each once cleared', async () => {
      // Three CRM deliveries dead after an outage, all at once (the monitors look every 100 ms).
      await db.query(
        `WITH dead AS (
           INSERT INTO outbox (topic, payload, status, attempts, completed_at)
           SELECT 'crm.sync', jsonb_build_object('leadId', 'lead-' || n), 'dead', 4, now() FROM generate_series(1, 3) n
           RETURNING id)
         INSERT INTO dead_letters (outbox_id, topic, payload, reason, last_error, attempts, attempt_log)
         SELECT id, 'crm.sync', '{}', 'exhausted', 'TransientError: CRM answered 503', 4, '[]' FROM dead`,
      );

      const growing = await arrived('ops:dead-letters');
      expect(growing.text).toMatch(/dead letters\): 3 за 15 мин/);
      const crm = await arrived('ops:crm-circuit');
      expect(crm.text).toMatch(/CRM \(local\) не принимает лиды/);
      expect(crm.text).toMatch(/ждут доставки: 3/);

      await monitorsLook(monitors, 5);
      expect(alerts('ops:dead-letters')).toHaveLength(1);
      expect(alerts('ops:crm-circuit')).toHaveLength(1);

      // A person discards them: nothing is held back any more, but they still count as new.
      await db.query('UPDATE dead_letters SET discarded_at = now(), discarded_by = $1', ['admin']);
      expect((await arrived('ops:crm-circuit:recovered')).text).toMatch(/CRM \(local\) снова принимает лиды/);
      await monitorsLook(monitors, 3);
      expect(alerts('ops:dead-letters:recovered')).toHaveLength(0);

      // An hour later they have left the window.
      await db.query("UPDATE dead_letters SET created_at = now() - interval '1 hour'");
      expect((await arrived('ops:dead-letters:recovered')).text).toMatch(/Новых dead letters снова мало/);

      await monitorsLook(monitors, 5);
      for (const group of ['ops:dead-letters', 'ops:dead-letters:recovered', 'ops:crm-circuit']) {
        expect(alerts(group)).toHaveLength(1);
      }
      expect(alerts('ops:crm-circuit:recovered')).toHaveLength(1);
    });
  });

  describe('the LLM circuit of a worker', () => {
    const openai = new FakeOpenAi();
    let running: RunningApp;
    let monitor: OpsMonitor;
    let db: Client;
    const group = `ops:llm-circuit:${hostname()}`;

    beforeAll(async () => {
      const env = testEnv({
        OPENAI_API_KEY: FAKE_OPENAI_KEY,
        OPENAI_BASE_URL: `${await openai.start()}/v1`,
        LLM_BREAKER_FAILURES: '1',
        LLM_BREAKER_OPEN_MS: '300',
        OPS_MONITOR_INTERVAL_MS: '100',
        ALERT_GROUP_WINDOW_MS: '0',
        ALERT_WEBHOOK_URL: webhookUrl,
      });
      running = await startApp(env);
      monitor = running.app.get(OpsMonitor);
      db = await connectDatabase(env.DATABASE_URL);
    });
    afterAll(async () => {
      await db?.end();
      await running?.close();
      await openai.stop();
    });

    /** Posts a client message and waits for the bot's reply; returns who triaged it (llm or rules). */
    async function converse(): Promise<string> {
      const sessionId = webchatId('s');
      const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
        body: { sessionId, clientMessageId: webchatId('m'), text: 'сколько стоит стрижка?' },
      });
      expect(accepted.status).toBe(202);
      await waitFor(
        async () => {
          const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
          return body.messages?.some((m: { from: string }) => m.from === 'bot');
        },
        { what: 'bot reply' },
      );
      const { rows } = await db.query("SELECT triage ->> 'source' AS source FROM messages WHERE id = $1", [
        accepted.body.messageId,
      ]);
      return rows[0].source;
    }

    it('opens after a failure: one alert; closes when a probe gets through: one recovery', async () => {
      openai.failNext(openAiError(500));
      expect(await converse()).toBe('model');

      const alert = await arrived(group);
      expect(alert.text).toMatch(/LLM не отвечает: бот отвечает по правилам/);
      await monitorsLook([monitor], 5);
      expect(alerts(group)).toHaveLength(1);

      // Once the circuit lets a probe through, the LLM answers it.
      await waitFor(async () => (await converse()) === 'llm', { timeoutMs: 15000, what: 'a message the LLM triaged' });
      expect((await arrived(`${group}:recovered`)).text).toMatch(/LLM снова отвечает/);

      await monitorsLook([monitor], 5);
      expect(alerts(group)).toHaveLength(1);
      expect(alerts(`${group}:recovered`)).toHaveLength(1);
    });
  });
});
