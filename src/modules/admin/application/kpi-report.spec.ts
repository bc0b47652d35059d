import type { KpiFacts } from '../domain/kpi-facts';
import { buildKpiReport } from './kpi-report';

const FROM = new Date('2026-03-01T00:00:00Z');
const TO = new Date('2026-03-08T00:00:00Z');

const facts = (over: Partial<KpiFacts> = {}): KpiFacts => ({
  conversations: 8,
  firstReplyMeasured: 7,
  firstReplyAnswered: 5,
  firstReplyP50Seconds: 1.23456,
  firstReplyP95Seconds: 2.9999,
  conversationsWithHuman: 3,
  leads: 3,
  leadsBooked: 1,
  crmDone: 49,
  crmDead: 1,
  crmRetries: 100,
  deadLetters: 1,
  incomingMessages: 100,
  visitsAfterReminder: 0,
  noShowsAfterReminder: 0,
  unansweredConversations: 2,
  llmDays: [],
  ...over,
});

describe('buildKpiReport', () => {
  it('derives shares and averages, rounded for display', () => {
    const report = buildKpiReport(FROM, TO, facts());

    expect(report.firstReply).toMatchObject({ p50Seconds: 1.235, p95Seconds: 3 });
    expect(report.handledWithoutHuman.percent).toBe(62.5);
    expect(report.leadToBooking.percent).toBe(33.33);
    expect(report.crmDelivery.successPercent).toBe(98);
    expect(report.deliveryRetries).toMatchObject({ deliveries: 50, retries: 100, averagePerDelivery: 2 });
    expect(report.unansweredConversations).toEqual({ count: 2, olderThanMinutes: 5 });
  });

  it('sums LLM tokens and cost per day and over the period, and marks the days the budget ran out', () => {
    const day = (d: string, provider: string, costRub: number) => ({
      day: d,
      provider,
      model: provider === 'gigachat' ? 'GigaChat-2' : 'gpt://b1g/yandexgpt-lite/latest',
      calls: 10,
      inputTokens: 4000,
      outputTokens: 300,
      costRub,
    });
    const report = buildKpiReport(
      FROM,
      TO,
      facts({
        llmDays: [
          day('2026-03-01', 'gigachat', 0.861),
          day('2026-03-02', 'gigachat', 30),
          day('2026-03-02', 'yandexgpt', 25),
        ],
      }),
      50,
    );
    expect(report.llmSpend).toMatchObject({
      calls: 30,
      inputTokens: 12000,
      outputTokens: 900,
      costRub: 55.86,
      dailyBudgetRub: 50,
    });
    expect(report.llmSpend.days.map((d) => [d.day, d.costRub, d.budgetReached])).toEqual([
      ['2026-03-01', 0.86, false],
      ['2026-03-02', 30, true],
      ['2026-03-02', 25, true],
    ]);
    expect(buildKpiReport(FROM, TO, facts()).llmSpend).toEqual({
      calls: 0,
      inputTokens: 0,
      outputTokens: 0,
      costRub: 0,
      dailyBudgetRub: null,
      days: [],
    });
  });

  it('judges each target on the exact value, not the rounded one', () => {
    const report = buildKpiReport(FROM, TO, facts());

    // p95 2.9999 s shows as 3 but is under 3 s
    expect(report.firstReply.target).toEqual({ comparison: '<', threshold: 3, met: true });
    // exactly 98 % is not more than 98 %
    expect(report.crmDelivery.target).toEqual({ comparison: '>', threshold: 98, met: false });
    // exactly 1 % is not less than 1 %
    expect(report.deadLetters.target).toEqual({ comparison: '<', threshold: 1, met: false });
    // exactly 2 retries on average is allowed
    expect(report.deliveryRetries.target).toEqual({ comparison: '<=', threshold: 2, met: true });

    const better = buildKpiReport(FROM, TO, facts({ crmDone: 4901, crmDead: 99, deadLetters: 0 }));
    expect(better.crmDelivery).toMatchObject({ successPercent: 98.02, target: { met: true } });
    expect(better.deadLetters.target.met).toBe(true);
  });

  it('an empty base gives no figure and no verdict', () => {
    const report = buildKpiReport(
      FROM,
      TO,
      facts({
        firstReplyP50Seconds: null,
        firstReplyP95Seconds: null,
        conversations: 0,
        leads: 0,
        crmDone: 0,
        crmDead: 0,
        crmRetries: 0,
        incomingMessages: 0,
      }),
    );

    expect(report.firstReply.target.met).toBeNull();
    expect(report.handledWithoutHuman.percent).toBeNull();
    expect(report.leadToBooking.percent).toBeNull();
    expect(report.crmDelivery).toMatchObject({ successPercent: null, target: { met: null } });
    expect(report.deadLetters).toMatchObject({ percentOfIncoming: null, target: { met: null } });
    expect(report.deliveryRetries).toMatchObject({ averagePerDelivery: null, target: { met: null } });
    expect(report.noShowAfterReminders.percent).toBeNull();
  });
});
