/** What the database says about a period, counted by KpiQueries; the report is derived from it. */
export interface KpiFacts {
  /** Conversations with a client message in the period that triage did not mark as spam. */
  conversations: number;
  /** Of those, the ones measured for first-reply time (not already with a person) and answered. */
  firstReplyMeasured: number;
  firstReplyAnswered: number;
  firstReplyP50Seconds: number | null;
  firstReplyP95Seconds: number | null;
  /** Conversations of the period a person had at some point of it (handed off). */
  conversationsWithHuman: number;
  leads: number;
  leadsBooked: number;
  crmDone: number;
  crmDead: number;
  /** Sum over finished crm.sync rows of (tries - 1). */
  crmRetries: number;
  deadLetters: number;
  incomingMessages: number;
  visitsAfterReminder: number;
  noShowsAfterReminder: number;
  unansweredConversations: number;
  /** LLM calls of each local day the period touches, per provider and model. */
  llmDays: LlmDay[];
}

export interface LlmDay {
  /** YYYY-MM-DD in TZ_BUSINESS. */
  day: string;
  provider: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costRub: number;
}
