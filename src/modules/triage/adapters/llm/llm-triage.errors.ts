import { TransientError } from '../../../../shared/domain-error';

/** Why the LLM gave no usable triage; safe to log (no message text, no provider answer). */
export type LlmFailureReason = 'timeout' | 'rate-limited' | 'http-error' | 'unreachable' | 'invalid-output';

/** The LLM could not triage this message now. Transient: another try, or the rules, can still answer. */
export class LlmTriageError extends TransientError {
  constructor(
    readonly reason: LlmFailureReason,
    readonly status?: number,
  ) {
    super(`LLM triage failed: ${reason}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'LlmTriageError';
  }
}

/**
 * Sorts what the OpenAI client or LangChain threw into a reason, dropping its message (it may quote the prompt).
 * `aborted`: our own deadline or the caller's signal fired; LangChain then throws a plain Error("Aborted").
 */
export function llmErrorFrom(error: unknown, aborted: boolean): LlmTriageError {
  if (error instanceof LlmTriageError) return error;
  if (aborted) return new LlmTriageError('timeout');
  const e = (error ?? {}) as { name?: unknown; status?: unknown; lc_error_code?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === 429) return new LlmTriageError('rate-limited', status);
  if (status !== undefined) return new LlmTriageError('http-error', status);
  if (e.name === 'TimeoutError') return new LlmTriageError('timeout');
  // The function's arguments were not JSON, or JSON that does not fit the schema.
  if (e.lc_error_code === 'OUTPUT_PARSING_FAILURE' || error instanceof SyntaxError) {
    return new LlmTriageError('invalid-output');
  }
  return new LlmTriageError('unreachable');
}
