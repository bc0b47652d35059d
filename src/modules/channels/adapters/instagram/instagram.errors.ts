import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../domain/channel-errors';
import { describeGraphFailure, type GraphFailure } from '../meta/graph-error';

/** Graph throttling is counted over an hour: no point in knocking again within seconds. */
const RATE_LIMIT_RETRY_MS = 30_000;
const RATE_LIMITS: Record<number, string> = {
  4: 'application request limit',
  17: 'user request limit',
  32: 'account request limit',
  613: 'call rate limit',
};
/** Subcodes of "sent outside of allowed window" (Messenger 2018278, Instagram 2534022). */
const OUTSIDE_WINDOW_SUBCODES = new Set([2018278, 2534022]);
/** "This person isn't available right now" (code 551), "No matching user found" (subcode 2534014). */
const UNAVAILABLE_SUBCODES = new Set([2534014, 1545041]);

/** Sorts a failed Instagram Send API call by Graph's code and subcode. */
export function instagramSendError(failure: GraphFailure): Error {
  const what = `Instagram Send API ${describeGraphFailure(failure)}`;
  const code = failure.code ?? -1;
  if (failure.subcode !== null && OUTSIDE_WINDOW_SUBCODES.has(failure.subcode)) {
    return new OutsideServiceWindowError(`${what}: more than 24 hours since the client wrote`);
  }
  if (code === 551 || (failure.subcode !== null && UNAVAILABLE_SUBCODES.has(failure.subcode))) {
    return new RecipientUnreachableError(`${what}: the client cannot receive messages`, 'user-unavailable');
  }
  if (Object.hasOwn(RATE_LIMITS, code)) {
    return new TransientError(`${what}: ${RATE_LIMITS[code]}`, failure.retryAfterMs ?? RATE_LIMIT_RETRY_MS);
  }
  if (code === 1 || code === 2) return new TransientError(`${what}: temporary error at Meta`, failure.retryAfterMs);
  if (code === 190) return new PermanentError(`${what}: access token expired or invalid; renew INSTAGRAM_ACCESS_TOKEN`);
  if (code === 10 || (code >= 200 && code <= 299)) {
    return new PermanentError(`${what}: the token lacks the instagram_business_manage_messages permission`);
  }
  if (failure.status >= 500 || failure.status === 429) return new TransientError(what, failure.retryAfterMs);
  return new PermanentError(what);
}
