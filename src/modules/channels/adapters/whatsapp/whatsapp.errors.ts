import { PermanentError, ProviderBlockedError, TransientError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../domain/channel-errors';
import { describeGraphFailure, type GraphFailure } from '../meta/graph-error';

/** Waits when Meta gives no hint: the per-second throughput, the pair limit (about one message per 6 s). */
const THROUGHPUT_RETRY_MS = 1000;
const PAIR_RETRY_MS = 6000;
const APP_LIMIT_RETRY_MS = 30_000;

const TRANSIENT: Record<number, { why: string; retryAfterMs?: number }> = {
  130429: { why: 'throughput limit of the business number', retryAfterMs: THROUGHPUT_RETRY_MS },
  131056: { why: 'pair rate limit: too many messages to this client', retryAfterMs: PAIR_RETRY_MS },
  80007: { why: 'rate limit of the WhatsApp Business Account', retryAfterMs: APP_LIMIT_RETRY_MS },
  4: { why: 'application request limit', retryAfterMs: APP_LIMIT_RETRY_MS },
  613: { why: 'call rate limit', retryAfterMs: APP_LIMIT_RETRY_MS },
  1: { why: 'unknown error (possibly temporary)' },
  2: { why: 'service temporarily unavailable' },
  131000: { why: 'something went wrong at Meta' },
  131016: { why: 'service overloaded' },
  133004: { why: 'server temporarily unavailable' },
};

const BLOCKED: Record<number, string> = {
  131031: 'the business account is locked',
  131042: 'a payment problem with the business account',
  368: 'temporarily blocked for policy violations',
};

/**
 * Sorts a failed Cloud API call by Meta's error code (the field Meta asks us to decide on): retry later, fall
 * back outside the 24-hour window, give up on a client WhatsApp cannot reach, or stop and let a person fix it.
 */
export function whatsappSendError(failure: GraphFailure): Error {
  const what = `WhatsApp Cloud API ${describeGraphFailure(failure)}`;
  const code = failure.code ?? -1;
  if (code === 131047) return new OutsideServiceWindowError(`${what}: more than 24 hours since the client wrote`);
  if (code === 131026) return new RecipientUnreachableError(`${what}: message undeliverable`, 'undeliverable');
  const transient = TRANSIENT[code];
  if (transient) {
    return new TransientError(`${what}: ${transient.why}`, failure.retryAfterMs ?? transient.retryAfterMs);
  }
  if (Object.hasOwn(BLOCKED, code)) return new ProviderBlockedError(`${what}: ${BLOCKED[code]}`);
  if (code === 190) return new PermanentError(`${what}: access token expired or invalid; renew WHATSAPP_TOKEN`);
  if (code === 0 || code === 3 || code === 10 || (code >= 200 && code <= 299)) {
    return new PermanentError(`${what}: the token lacks the whatsapp_business_messaging permission`);
  }
  if (code >= 132000 && code <= 132999) {
    return new PermanentError(`${what}: template problem; check WHATSAPP_TEMPLATE_NAME and its language`);
  }
  if (failure.status >= 500 || failure.status === 429) return new TransientError(what, failure.retryAfterMs);
  return new PermanentError(what); // 100, 131008, 131009, 131051 and the rest: the request itself is wrong
}
