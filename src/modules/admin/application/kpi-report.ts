import type { KpiFacts, LlmDay } from '../domain/kpi-facts';

export type Comparison = '<' | '<=' | '>';

export interface KpiTarget {
  comparison: Comparison;
  threshold: number;
  /** Null when the period has nothing to measure. */
  met: boolean | null;
}

export interface KpiReport {
  from: Date;
  to: Date;
  firstReply: {
    conversations: number;
    answered: number;
    p50Seconds: number | null;
    p95Seconds: number | null;
    target: KpiTarget;
  };
  handledWithoutHuman: { conversations: number; withHuman: number; percent: number | null };
  leadToBooking: { leads: number; booked: number; percent: number | null };
  crmDelivery: { done: number; dead: number; successPercent: number | null; target: KpiTarget };
  deadLetters: { deadLetters: number; incomingMessages: number; percentOfIncoming: number | null; target: KpiTarget };
  deliveryRetries: { deliveries: number; retries: number; averagePerDelivery: number | null; target: KpiTarget };
  noShowAfterReminders: { visits: number; noShows: number; percent: number | null };
  unansweredConversations: { count: number; olderThanMinutes: number };
  llmSpend: {
    calls: number;
    inputTokens: number;
    outputTokens: number;
    costRub: number;
    /** LLM_DAILY_BUDGET_RUB, or null without a cap. */
    dailyBudgetRub: number | null;
    days: Array<LlmDay & { budgetReached: boolean }>;
  };
}

/** The product's promises (the operator's brief): what each figure must reach. */
export const KPI_TARGETS = {
  /** p95 of the first reply, in seconds. */
  firstReplySeconds: { comparison: '<', threshold: 3 },
  crmSuccessPercent: { comparison: '>', threshold: 98 },
  deadLetterPercent: { comparison: '<', threshold: 1 },
  averageRetries: { comparison: '<=', threshold: 2 },
} as const satisfies Record<string, { comparison: Comparison; threshold: number }>;

/** A client message this long without a bot reply counts as unanswered. */
export const UNANSWERED_AFTER_MINUTES = 5;

const round = (value: number | null, digits: number) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const percent = (part: number, whole: number) => round(ratio(100 * part, whole), 2);

/** Judged on the exact value; the report shows it rounded. */
function judge(value: number | null, target: { comparison: Comparison; threshold: number }): KpiTarget {
  const met =
    value === null
      ? null
      : target.comparison === '<'
        ? value < target.threshold
        : target.comparison === '<='
          ? value <= target.threshold
          : value > target.threshold;
  return { ...target, met };
}

export function buildKpiReport(from: Date, to: Date, facts: KpiFacts, dailyBudgetRub: number | null = null): KpiReport {
  const deliveries = facts.crmDone + facts.crmDead;
  const crmSuccess = ratio(100 * facts.crmDone, deliveries);
  const deadLetterShare = ratio(100 * facts.deadLetters, facts.incomingMessages);
  const averageRetries = ratio(facts.crmRetries, deliveries);
  return {
    from,
    to,
    firstReply: {
      conversations: facts.firstReplyMeasured,
      answered: facts.firstReplyAnswered,
      p50Seconds: round(facts.firstReplyP50Seconds, 3),
      p95Seconds: round(facts.firstReplyP95Seconds, 3),
      target: judge(facts.firstReplyP95Seconds, KPI_TARGETS.firstReplySeconds),
    },
    handledWithoutHuman: {
      conversations: facts.conversations,
      withHuman: facts.conversationsWithHuman,
      percent: percent(facts.conversations - facts.conversationsWithHuman, facts.conversations),
    },
    leadToBooking: { leads: facts.leads, booked: facts.leadsBooked, percent: percent(facts.leadsBooked, facts.leads) },
    crmDelivery: {
      done: facts.crmDone,
      dead: facts.crmDead,
      successPercent: round(crmSuccess, 2),
      target: judge(crmSuccess, KPI_TARGETS.crmSuccessPercent),
    },
    deadLetters: {
      deadLetters: facts.deadLetters,
      incomingMessages: facts.incomingMessages,
      percentOfIncoming: round(deadLetterShare, 2),
      target: judge(deadLetterShare, KPI_TARGETS.deadLetterPercent),
    },
    deliveryRetries: {
      deliveries,
      retries: facts.crmRetries,
      averagePerDelivery: round(averageRetries, 2),
      target: judge(averageRetries, KPI_TARGETS.averageRetries),
    },
    noShowAfterReminders: {
      visits: facts.visitsAfterReminder,
      noShows: facts.noShowsAfterReminder,
      percent: percent(facts.noShowsAfterReminder, facts.visitsAfterReminder),
    },
    unansweredConversations: { count: facts.unansweredConversations, olderThanMinutes: UNANSWERED_AFTER_MINUTES },
    llmSpend: llmSpend(facts.llmDays, dailyBudgetRub),
  };
}

function llmSpend(days: LlmDay[], dailyBudgetRub: number | null): KpiReport['llmSpend'] {
  const sum = (pick: (day: LlmDay) => number, of: LlmDay[] = days) => of.reduce((total, day) => total + pick(day), 0);
  const dayCost = (day: string) =>
    sum(
      (d) => d.costRub,
      days.filter((d) => d.day === day),
    );
  return {
    calls: sum((d) => d.calls),
    inputTokens: sum((d) => d.inputTokens),
    outputTokens: sum((d) => d.outputTokens),
    costRub:
      round(
        sum((d) => d.costRub),
        2,
      ) ?? 0,
    dailyBudgetRub,
    days: days.map((d) => ({
      ...d,
      costRub: round(d.costRub, 2) ?? 0,
      budgetReached: dailyBudgetRub !== null && dayCost(d.day) >= dailyBudgetRub,
    })),
  };
}
