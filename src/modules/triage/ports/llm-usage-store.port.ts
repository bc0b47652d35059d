import type { LlmCallUsage } from './llm-spend.port';

/** LLM spend per local day (`day`: YYYY-MM-DD), shared by every process. */
export abstract class LlmUsageStore {
  /** Adds one call to its day's row; returns what the whole day has cost so far, every provider together. */
  abstract add(day: string, usage: LlmCallUsage, costRub: number): Promise<number>;

  /** What the day has cost so far. */
  abstract dayCost(day: string): Promise<number>;

  /** True for exactly one caller per day: the one that gets to tell the managers the budget ran out. */
  abstract claimBudgetAlert(day: string): Promise<boolean>;
}
