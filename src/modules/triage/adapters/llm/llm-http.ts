import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { LlmTriageError } from './llm-triage.errors';

/** A fetch for LLM calls, shaped like the global one so any client library (the OpenAI SDK) can take it. */
export type LlmFetch = typeof globalThis.fetch;

/**
 * HTTP to LLM providers through undici with its own connection pool. `caFile` (LLM_CA_FILE) is trusted on top of
 * Node's bundled roots, never instead of them: GigaChat's certificates chain to the Russian Trusted Root CA, which
 * Node does not ship. undici's fetch ignores an https.Agent, so the CA goes into its dispatcher; verification stays on.
 */
export function createLlmFetch(caFile?: string): LlmFetch {
  const dispatcher: Dispatcher = new Agent({
    connect: caFile ? { ca: [...rootCertificates, readFileSync(caFile, 'utf8')] } : {},
    keepAliveTimeout: 30_000,
  });
  return ((input: Parameters<LlmFetch>[0], init?: Parameters<LlmFetch>[1]) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    })) as unknown as LlmFetch;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
}

/**
 * POSTs and reads the answer whatever its status. A connection that fails or a deadline that fires becomes an
 * LlmTriageError ('unreachable', 'timeout'); statuses are for the caller to sort.
 */
export async function send(
  fetch: LlmFetch,
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', ...init });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  } catch (error) {
    if (init.signal.aborted) throw new LlmTriageError('timeout');
    throw new LlmTriageError('unreachable', undefined, causeOf(error));
  }
}

/** Sorts an unsuccessful HTTP status; `Retry-After` (seconds) rides along on a 429. */
export function httpFailure(answer: HttpAnswer): LlmTriageError {
  if (answer.status === 429) {
    const seconds = Number(answer.headers.get('retry-after'));
    return new LlmTriageError('rate-limited', 429, undefined, Number.isFinite(seconds) ? seconds * 1000 : undefined);
  }
  if (answer.status === 401 || answer.status === 403) return new LlmTriageError('unauthorized', answer.status);
  return new LlmTriageError('http-error', answer.status);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A TLS or socket error's code (CERT_HAS_EXPIRED, UNABLE_TO_GET_ISSUER_CERT_LOCALLY, ECONNREFUSED): no content. */
function causeOf(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
