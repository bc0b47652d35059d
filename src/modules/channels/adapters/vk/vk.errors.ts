import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { RecipientUnreachableError } from '../../domain/channel-errors';

const MAX_MESSAGE_CHARS = 200;

/** Retryable API errors; VK gives no retry time, so the waits are ours. */
const TRANSIENT: Record<number, { why: string; retryAfterMs?: number }> = {
  1: { why: 'unknown error, try again later' },
  6: { why: 'too many requests per second', retryAfterMs: 1000 },
  9: { why: 'flood control: too many similar requests', retryAfterMs: 10_000 },
  10: { why: 'internal server error' },
  29: { why: 'rate limit of the method reached', retryAfterMs: 30_000 },
};

/** The client cannot get messages from the community; the reason is kept on their identity. */
const UNREACHABLE: Record<number, string> = {
  900: 'the client has blacklisted the community',
  901: 'the client has not allowed messages from the community',
  902: "the client's privacy settings forbid messages from the community",
};

/** Errors a person must fix, with what to do. */
const PERMANENT: Record<number, string> = {
  5: 'authorization failed: the community token is invalid or revoked; renew VK_ACCESS_TOKEN',
  7: 'permission denied: the community token lacks the messages scope',
  14: 'captcha needed: VK suspects automated sending from this community',
  15: 'access denied: community messages may be switched off',
  27: 'group authorization failed: this method needs another kind of token',
  100: 'a parameter is invalid',
  113: 'invalid user id',
  911: 'keyboard format invalid',
  912: "bot capabilities are off: switch them on in the community's message settings",
  914: 'message too long',
};

/** A refused request; `code` is VK's error_code. */
export class VkRefusedError extends PermanentError {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = 'VkRefusedError';
  }
}

/**
 * Sorts a VK API error (`{error: {error_code, error_msg}}`, sent with HTTP 200) by its code: retry, give up on
 * this client, or stop for a person. Unknown codes are permanent: a retry of a refused request is refused again.
 */
export function vkApiError(method: string, code: number, errorMsg: unknown): Error {
  const message = `VK ${method}: error ${code} ${describe(errorMsg)}`;
  const transient = TRANSIENT[code];
  if (transient) return new TransientError(`${message}: ${transient.why}`, transient.retryAfterMs);
  if (Object.hasOwn(UNREACHABLE, code)) return new RecipientUnreachableError(message, UNREACHABLE[code]);
  if (Object.hasOwn(PERMANENT, code)) return new VkRefusedError(`${message}: ${PERMANENT[code]}`, code);
  return new VkRefusedError(message, code);
}

/** VK's error_msg is generic ("Flood control"); it is cut short and never carries the token. */
function describe(errorMsg: unknown): string {
  const text = typeof errorMsg === 'string' ? errorMsg.replace(/\s+/g, ' ').trim() : '';
  return (text || 'no description').slice(0, MAX_MESSAGE_CHARS);
}
