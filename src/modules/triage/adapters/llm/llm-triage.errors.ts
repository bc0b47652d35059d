import { TransientError } from '../../../../shared/domain-error';

/** Why the LLM gave no usable triage; safe to log (no message text, no provider answer). */
export type LlmFailureReason =
  'timeout' | 'rate-limited' | 'unauthorized' | 'http-error' | 'unreachable' | 'invalid-output';

/** The LLM could not triage this message now. Transient: another try, or the offline model, can still answer. */
export class LlmTriageError extends TransientError {
  constructor(
    readonly reason: LlmFailureReason,
    readonly status?: number,
    /** A socket or TLS error code, e.g. UNABLE_TO_GET_ISSUER_CERT_LOCALLY. */
    readonly socketCode?: string,
    /** The provider asked to be left alone this long (Retry-After). */
    retryAfterMs?: number,
  ) {
    super(
      `LLM triage failed: ${reason}${status ? ` (HTTP ${status})` : ''}${socketCode ? ` (${socketCode})` : ''}`,
      retryAfterMs,
    );
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
  const e = (error ?? {}) as { name?: unknown; status?: unknown; lc_error_code?: unknown; headers?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (status === 429) return new LlmTriageError('rate-limited', status, undefined, retryAfterOf(e.headers));
  if (status === 401 || status === 403) return new LlmTriageError('unauthorized', status);
  if (status !== undefined) return new LlmTriageError('http-error', status);
  if (e.name === 'TimeoutError') return new LlmTriageError('timeout');
  // The function's arguments were not JSON, or JSON that does not fit the schema.
  if (e.lc_error_code === 'OUTPUT_PARSING_FAILURE' || error instanceof SyntaxError) {
    return new LlmTriageError('invalid-output');
  }
  return new LlmTriageError('unreachable');
}

function retryAfterOf(headers: unknown): number | undefined {
  const value =
    headers instanceof Headers ? headers.get('retry-after') : (headers as Record<string, string>)?.['retry-after'];
  const seconds = Number(value);
  return value && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
