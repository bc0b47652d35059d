import { Logger } from '@nestjs/common';
import type { Client } from 'pg';
import { localDay } from '../../src/modules/triage/domain/llm-spend';
import { FAKE_YANDEX_API_KEY, FAKE_YANDEX_FOLDER_ID, FakeYandexGpt } from '../fakes/yandexgpt/fake-yandexgpt';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PRICE_ANSWER = { intent: 'price', confidence: 0.93, urgency: 'cold', escalate: false, slots: {} };

describe('LLM spend in the running app (YandexGPT)', () => {
  const fake = new FakeYandexGpt();
  let running: RunningApp;
  let db: Client;
  const today = () => localDay(new Date(), 'Asia/Krasnoyarsk');

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    fake.script = () => PRICE_ANSWER;
    const env = testEnv({
      LLM_PROVIDER: 'yandexgpt',
      YANDEXGPT_API_KEY: FAKE_YANDEX_API_KEY,
      YANDEXGPT_FOLDER_ID: FAKE_YANDEX_FOLDER_ID,
      YANDEXGPT_BASE_URL: await fake.start(),
      LLM_DATA_RESIDENCY: 'ru', // a loopback fake is allowed
      // Roughly a rouble a call: the first message spends the whole budget.
      LLM_PRICE_RUB_PER_1K_INPUT: '1',
      LLM_DAILY_BUDGET_RUB: '0.5',
      TZ_BUSINESS: 'Asia/Krasnoyarsk',
      ALERT_GROUP_WINDOW_MS: '100',
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

  async function converse(text: string): Promise<string> {
    const sessionId = webchatId('s');
    const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text },
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      async () => {
        const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        return body.messages?.some((m: { from: string }) => m.from === 'bot');
      },
      { what: 'bot reply' },
    );
    const { rows } = await db.query('SELECT triage FROM messages WHERE id = $1', [accepted.body.messageId]);
    return rows[0].triage.source as string;
  }

  it('stores the tokens of each call, stops asking the LLM once the day budget is spent, and alerts once', async () => {
    expect(await converse('а маникюр с дизайном сколько у вас?')).toBe('llm');
    const usage = await waitFor(
      async () => (await db.query('SELECT * FROM llm_usage_daily')).rows[0] as Record<string, string> | undefined,
      { what: 'the call metered' },
    );
    expect(usage).toMatchObject({
      provider: 'yandexgpt',
      model: `gpt://${FAKE_YANDEX_FOLDER_ID}/yandexgpt-lite/latest`,
    });
    expect(Number(usage.input_tokens)).toBeGreaterThan(500);
    expect(Number(usage.cost_rub)).toBeGreaterThan(0.5);

    // Past the budget: the offline model answers, the provider hears nothing more today.
    expect(await converse('сколько стоит стрижка?')).toBe('model');
    expect(await converse('где вы находитесь?')).toBe('model');
    expect(fake.completions).toHaveLength(1);
    expect(fake.loggedRequests).toHaveLength(0); // x-data-logging-enabled: false on every request

    const alerts = await waitFor(
      async () => {
        const { rows } = await db.query(
          "SELECT title, status FROM manager_alerts WHERE group_key = $1 AND status = 'sent'",
          [`llm-budget:${today()}`],
        );
        return rows.length > 0 && rows;
      },
      { what: 'the budget alert sent' },
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].title).toMatch(/бюджет на нейросеть .* исчерпан/);
    expect((await db.query('SELECT day FROM llm_budget_alerts')).rows).toHaveLength(1);

    const { body: kpi } = await request(`${running.url}/api/admin/v1/kpi`, { admin: true });
    expect(kpi.llmSpend).toMatchObject({ calls: 1, dailyBudgetRub: 0.5 });
    expect(kpi.llmSpend.inputTokens).toBeGreaterThan(500);
    expect(kpi.llmSpend.costRub).toBeGreaterThan(0.5);
    expect(kpi.llmSpend.days).toEqual([
      expect.objectContaining({ day: today(), provider: 'yandexgpt', calls: 1, budgetReached: true }),
    ]);
  });
});
