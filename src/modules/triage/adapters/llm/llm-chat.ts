import type { LlmProvider } from '../../../../config/llm-endpoints';

/** Tokens one call used, as the provider counted them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One triage request: the instructions, the conversation and message, the JSON schema the answer must fit. */
export interface StructuredRequest {
  system: string;
  user: string;
  /** The function (or response format) name and its JSON schema. */
  name: string;
  schema: Record<string, unknown>;
  signal: AbortSignal;
}

/** What the provider answered: the structured object (not yet validated) and the tokens it billed. */
export interface StructuredAnswer {
  /** The parsed object, or undefined when the answer held none (prose, broken JSON). */
  value: unknown;
  usage: TokenUsage | null;
}

/**
 * One LLM provider's wire format: sends the request through the provider's function calling or JSON-schema output
 * and returns the object it produced. Throws LlmTriageError; never retries except where the protocol demands it
 * (a GigaChat token that expired on the way).
 */
export interface LlmChat {
  readonly provider: LlmProvider;
  readonly model: string;
  /** An answer that arrived is returned with its usage even when its value is unusable: those tokens are billed too. */
  complete(request: StructuredRequest): Promise<StructuredAnswer>;
  /** Prepares what the first call would otherwise wait for (GigaChat's token) and keeps it ready until `close`. */
  open?(onError: (error: unknown) => void): void;
  close?(): void;
}
