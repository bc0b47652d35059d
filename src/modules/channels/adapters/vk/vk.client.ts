import type { EnvironmentVariables } from '../../../../config/env.validation';
import { RedisRateLimiter } from '../../../../redis/redis-rate-limiter';
import { PermanentError, RateLimitedError, TransientError } from '../../../../shared/domain-error';
import { vkApiError } from './vk.errors';

export const DEFAULT_VK_API_BASE = 'https://api.vk.com/method';
export const VK_HTTP_TIMEOUT_MS = 10000;
/** A community token may make 20 calls per second. */
export const COMMUNITY_RATE_PER_SEC = 20;
const COMMUNITY_BURST = 20;

export interface VkClientOptions {
  token: string;
  groupId: string;
  apiVersion: string;
  base?: string;
  timeoutMs?: number;
}

/** The VK API envelope: `{response}` or `{error: {error_code, error_msg, request_params}}`, both with HTTP 200. */
interface VkReply {
  response?: unknown;
  error?: { error_code?: unknown; error_msg?: unknown };
}

/**
 * Calls the VK API with the community token: POST form-encoded to `<base>/<method>`, within the community's
 * 20 calls per second shared by all workers. The token travels in the body, and no raw fetch error or request
 * echo reaches an error message.
 */
export class VkClient {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: VkClientOptions,
    private readonly limiter: RedisRateLimiter,
  ) {
    this.base = (options.base ?? DEFAULT_VK_API_BASE).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? VK_HTTP_TIMEOUT_MS;
  }

  static fromEnv(env: EnvironmentVariables, limiter: RedisRateLimiter): VkClient {
    if (!env.VK_ACCESS_TOKEN || !env.VK_GROUP_ID) {
      throw new PermanentError('VK: VK_ACCESS_TOKEN and VK_GROUP_ID are not set');
    }
    return new VkClient(
      { token: env.VK_ACCESS_TOKEN, groupId: env.VK_GROUP_ID, apiVersion: env.VK_API_VERSION, base: env.VK_API_BASE },
      limiter,
    );
  }

  async call<T>(method: string, params: Record<string, string>): Promise<T> {
    await this.throttle(method);
    const { status, text } = await this.post(method, params);
    if (status >= 500 || status === 429) throw new TransientError(`VK ${method}: HTTP ${status}`);
    if (status >= 300) throw new PermanentError(`VK ${method}: HTTP ${status}`);
    const reply = parseReply(text);
    if (!reply) throw new TransientError(`VK ${method}: HTTP ${status} with a body that is not a VK API answer`);
    if (reply.error) {
      const code = reply.error.error_code;
      if (typeof code !== 'number') throw new TransientError(`VK ${method}: an error without a code`);
      throw vkApiError(method, code, reply.error.error_msg);
    }
    return reply.response as T;
  }

  /** A token of the community's bucket, or RateLimitedError: the job waits delayed, not in a worker slot. */
  private async throttle(method: string): Promise<void> {
    let wait: number;
    try {
      wait = await this.limiter.take(`vk:${this.options.groupId}`, COMMUNITY_RATE_PER_SEC, COMMUNITY_BURST);
    } catch {
      throw new TransientError(`VK ${method}: rate limiter unavailable (Redis)`);
    }
    if (wait > 0) throw new RateLimitedError(`VK ${method}`, wait);
  }

  private async post(method: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
    const body = new URLSearchParams({ ...params, access_token: this.options.token, v: this.options.apiVersion });
    try {
      const response = await fetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      throw networkFailure(method, error, this.timeoutMs);
    }
  }
}

function parseReply(text: string): VkReply | null {
  try {
    const reply: unknown = JSON.parse(text);
    if (!reply || typeof reply !== 'object' || Array.isArray(reply)) return null;
    if (!('response' in reply) && !('error' in reply)) return null;
    return reply as VkReply;
  } catch {
    return null;
  }
}

function networkFailure(method: string, error: unknown, timeoutMs: number): TransientError {
  // A DOMException from another realm (test runners) is no `instanceof Error`: read the name as it is.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TransientError(`VK ${method}: no answer within ${timeoutMs} ms`);
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : 'network error';
  return new TransientError(`VK ${method}: connection failed (${code})`);
}
