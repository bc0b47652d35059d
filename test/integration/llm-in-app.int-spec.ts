import { Logger } from '@nestjs/common';
import type { Client } from 'pg';
import { FAKE_GIGACHAT_AUTH_KEY, FakeGigaChat } from '../fakes/gigachat/fake-gigachat';
import { createTestCa } from '../fakes/test-ca';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PRICE_ANSWER = { intent: 'price', confidence: 0.93, urgency: 'cold', escalate: false, slots: {} };
const NAMES = ['Ольга', 'Айгуль', 'Тимур', 'Светлана', 'Гульнара'];

/**
 * The whole path with GigaChat as the LLM: HTTPS with a CA only LLM_CA_FILE makes trusted, the token from Redis,
 * the triage workers' concurrency, the 2 s budget, personal data masked.
 */
describe('GigaChat triaging in the running app', () => {
  const fake = new FakeGigaChat();
  let running: RunningApp;
  let db: Client;
  const warnings: string[] = [];

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => void warnings.push(String(message)));
    const ca = createTestCa();
    fake.scope = 'GIGACHAT_API_CORP';
    fake.script = () => PRICE_ANSWER;
    const url = await fake.start(0, { key: ca.serverKey, cert: ca.serverCert });
    const env = testEnv({
      LLM_PROVIDER: 'gigachat',
      GIGACHAT_AUTH_KEY: FAKE_GIGACHAT_AUTH_KEY,
      GIGACHAT_SCOPE: 'GIGACHAT_API_CORP',
      GIGACHAT_OAUTH_URL: `${url}/api/v2/oauth`,
      GIGACHAT_BASE_URL: `${url}/api/v1`,
      LLM_CA_FILE: ca.caFile,
      LLM_DATA_RESIDENCY: 'ru',
      TRIAGE_CONCURRENCY: '10',
    });
    running = await startApp(env);
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await db?.end();
    await running?.close();
    await fake.stop();
  });

  it('answers at least 90 % of a 40-message burst from GigaChat taking 1.2 s a call, and sends it no personal data', async () => {
    // The app fetches its token on start, as a real instance has long before a burst comes.
    await waitFor(async () => fake.tokenRequests.some((r) => r.status === 200), { what: 'the token fetched on start' });
    fake.latencyMs = 1200;
    const texts = Array.from(
      { length: 40 },
      (_, i) =>
        `Здравствуйте, я ${NAMES[i % NAMES.length]}, сколько стоит маникюр с покрытием? ` +
        `мой номер 8 913 ${String(100 + i)}-45-67, почта client${i}@mail.ru`,
    );
    const accepted = await Promise.all(
      texts.map((text) =>
        request(`${running.url}/api/v1/webchat/messages`, {
          body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text },
        }),
      ),
    );
    const ids = accepted.map((answer) => answer.body.messageId as string);
    const sources = await waitFor(
      async () => {
        const { rows } = await db.query<{ source: string | null }>(
          `SELECT triage ->> 'source' AS source FROM messages WHERE id = ANY($1)`,
          [ids],
        );
        return rows.every((row) => row.source) && rows.map((row) => row.source);
      },
      { what: 'every message triaged', timeoutMs: 30_000 },
    );

    expect(sources).toHaveLength(40);
    const fromLlm = sources.filter((source) => source === 'llm').length / sources.length;
    // On failure the first warnings say why the LLM did not answer.
    expect({
      fromLlm: fromLlm >= 0.9 ? 'at least 90 %' : fromLlm,
      warnings: fromLlm >= 0.9 ? [] : warnings.slice(0, 8),
    }).toEqual({
      fromLlm: 'at least 90 %',
      warnings: [],
    });
    expect(fake.tokenRequests).toHaveLength(1);
    const bodies = fake.completionRequests.map((r) => r.rawBody).join('\n');
    expect(bodies).toContain('сколько стоит маникюр с покрытием');
    for (const personal of [...NAMES, '-45-67', '@mail.ru', '8 913']) expect(bodies).not.toContain(personal);
  }, 60_000);
});
