/** Roubles per 1,000 tokens, as the provider's price list states them. */
export interface LlmPrices {
  inputRubPer1k: number;
  outputRubPer1k: number;
}

/** What one call cost, in roubles. */
export function costRub(usage: { inputTokens: number; outputTokens: number }, prices: LlmPrices): number {
  return (usage.inputTokens * prices.inputRubPer1k + usage.outputTokens * prices.outputRubPer1k) / 1000;
}

/** The business's calendar day of an instant (YYYY-MM-DD in `zone`): budgets and the KPI count by it. */
export function localDay(at: Date, zone: string): string {
  // en-CA formats a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}
