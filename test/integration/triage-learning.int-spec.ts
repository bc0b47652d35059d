import type { Client } from 'pg';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const READER_TOKEN = 'reader-token-0123456789abcdef';

/**
 * Learning from real dialogs: the model is kept in the database (a second process loads it instead of training),
 * messages the model was unsure of are listed for review, corrections and added phrases become training examples,
 * the model retrains, and every change is audited under the caller's name.
 */
describe('teaching the triage model through the admin API', () => {
  const env = testEnv({ BUSINESS_PRESET: 'salon', ADMIN_READONLY_TOKENS: `auditor:${READER_TOKEN}` });
  let running: RunningApp;
  let db: Client;

  beforeAll(async () => {
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const api = (path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
    request(`${running.url}/api/admin/v1/triage${path}`, { ...init, admin: !init.headers });

  async function clientMessage(text: string): Promise<string> {
    const sessionId = webchatId('learn');
    const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text },
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => {
        const { rows } = await db.query(`SELECT 1 FROM messages WHERE id = $1 AND triage IS NOT NULL`, [
          accepted.body.messageId,
        ]);
        return rows.length > 0;
      },
      { timeoutMs: 10000, what: 'the message triaged' },
    );
    return accepted.body.messageId as string;
  }

  it('trains one model at start-up, keeps it, and a second process loads it instead of training', async () => {
    const { body: model } = await api('/model');
    expect(model.trainedOn).toBeGreaterThanOrEqual(2400);
    expect(model.heldout.escalateRecall).toBeGreaterThanOrEqual(0.97);
    const second = await startApp(env);
    try {
      const { body: again } = await request(`${second.url}/api/admin/v1/triage/model`, { admin: true });
      expect(again.id).toBe(model.id);
      expect((await db.query('SELECT count(*)::int AS n FROM triage_models')).rows[0].n).toBe(1);
    } finally {
      await second.close({ dropDatabase: false });
    }
  });

  it('lists a message the model was unsure of until someone corrects it; the correction retrains, masked and audited', async () => {
    const messageId = await clientMessage('девочки а можно к вам ноготочки пилить в субботу? мой 89131234567');
    await db.query(`UPDATE messages SET triage = triage || '{"confidence": 0.2}'::jsonb WHERE id = $1`, [messageId]);
    const { body: review } = await api('/review');
    expect(review.items.map((i: { messageId: string }) => i.messageId)).toContain(messageId);

    const corrected = await api('/corrections', { body: { messageId, intents: ['booking'] } });
    expect(corrected.status).toBe(201);
    expect(corrected.body.example).toMatchObject({ intents: ['booking'], escalate: false, source: 'correction' });
    expect(corrected.body.example.text).not.toContain('89131234567');
    expect(corrected.body.model.trainedOn).toBe(corrected.body.model.trainedOn);
    expect(typeof corrected.body.model.replaced).toBe('boolean');
    expect(corrected.body.model.candidate.escalateRecall).toBeGreaterThan(0.9);

    const { body: after } = await api('/review');
    expect(after.items.map((i: { messageId: string }) => i.messageId)).not.toContain(messageId);
    const { rows } = await db.query(
      `SELECT token_name, status FROM audit_log WHERE route LIKE '%/triage/corrections' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows).toEqual([{ token_name: 'admin', status: 201 }]);
  });

  it('adds a phrase, retrains on it, and only accepts a model that keeps the held-out gate', async () => {
    const added = await api('/phrases', { body: { text: 'маникюрчик бы обновить на неделе', intents: ['booking'] } });
    expect(added.status).toBe(201);
    const { body: examples } = await api('/examples');
    expect(examples.items[0]).toMatchObject({ text: 'маникюрчик бы обновить на неделе', source: 'phrase' });
    const { model } = added.body;
    expect(model.trainedOn).toBeGreaterThanOrEqual(2400);
    if (model.replaced) expect(model.current).toEqual(model.candidate);
    expect(model.current.escalateRecall).toBeGreaterThanOrEqual(0.97);
  });

  it('refuses a correction with an unknown intent or message, and refuses read-only callers', async () => {
    const bad = await api('/corrections', {
      body: { messageId: '00000000-0000-4000-8000-000000000000', intents: ['nope'] },
    });
    expect(bad.status).toBe(400);
    const missing = await api('/corrections', {
      body: { messageId: '00000000-0000-4000-8000-000000000000', intents: ['price'] },
    });
    expect(missing.status).toBe(404);
    const reader = await api('/phrases', {
      body: { text: 'сколько стоит', intents: ['price'] },
      headers: { authorization: `Bearer ${READER_TOKEN}` },
    });
    expect(reader.status).toBe(403);
  });
});
