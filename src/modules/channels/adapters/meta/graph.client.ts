import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { GraphApiError, readGraphFailure } from './graph-error';

export interface GraphClientOptions {
  /** With the API version: `https://graph.facebook.com/v24.0`. */
  baseUrl: string;
  accessToken: string;
  timeoutMs: number;
  /** Names the API in error messages: "WhatsApp Cloud API". */
  label: string;
}

/** One Graph call per message: no answer within this, and the outbox tries again later. */
export const GRAPH_TIMEOUT_MS = 10_000;

/**
 * POSTs JSON to the Graph API with a Bearer token. A network failure or timeout is a TransientError; an error
 * answer is a GraphApiError for the channel to map by its error codes; the token never leaves this class.
 */
export class GraphClient {
  private readonly baseUrl: string;

  constructor(private readonly options: GraphClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  get label(): string {
    return this.options.label;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const { status, text, headers } = await this.send(path, body);
    if (status < 200 || status >= 300)
      throw new GraphApiError(this.options.label, readGraphFailure(status, text, headers));
    try {
      return JSON.parse(text) as T;
    } catch {
      // Accepted, most likely, but without an id to follow: retrying could send the message twice.
      throw new PermanentError(`${this.options.label}: HTTP ${status} with a body that is not JSON; outcome unknown`);
    }
  }

  private async send(path: string, body: unknown): Promise<{ status: number; text: string; headers: Headers }> {
    try {
      const response = await fetch(`${this.baseUrl}/${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { status: response.status, text: await response.text(), headers: response.headers };
    } catch (error) {
      throw new TransientError(`${this.options.label}: ${networkFailure(error, this.options.timeoutMs)}`);
    }
  }
}

/** Duck-typed: fetch's errors come from another realm under some runners, where `instanceof Error` fails. */
function networkFailure(error: unknown, timeoutMs: number): string {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return `connection failed (${typeof cause?.code === 'string' ? cause.code : 'network error'})`;
}
