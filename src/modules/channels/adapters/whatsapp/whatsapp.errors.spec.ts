import { PermanentError, ProviderBlockedError, TransientError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../domain/channel-errors';
import type { GraphFailure } from '../meta/graph-error';
import { whatsappSendError } from './whatsapp.errors';

const failure = (code: number | null, status = 400, extra: Partial<GraphFailure> = {}): GraphFailure => ({
  status,
  code,
  subcode: null,
  type: 'OAuthException',
  message: `(#${code}) something`,
  fbtraceId: 'Az1',
  ...extra,
});

describe('whatsappSendError', () => {
  it.each([
    [131047, 400, OutsideServiceWindowError],
    [131026, 400, RecipientUnreachableError],
    [130429, 429, TransientError],
    [131056, 400, TransientError],
    [80007, 400, TransientError],
    [4, 400, TransientError],
    [613, 400, TransientError],
    [131000, 500, TransientError],
    [1, 500, TransientError],
    [2, 503, TransientError],
    [190, 401, PermanentError],
    [10, 403, PermanentError],
    [200, 403, PermanentError],
    [100, 400, PermanentError],
    [131008, 400, PermanentError],
    [131051, 400, PermanentError],
    [132001, 404, PermanentError],
    [132000, 400, PermanentError],
    [131031, 400, ProviderBlockedError],
    [null, 502, TransientError],
    [null, 400, PermanentError],
  ])('code %s (HTTP %s) → %p', (code, status, type) => {
    const error = whatsappSendError(failure(code, status));
    expect(error).toBeInstanceOf(type);
    if (type === PermanentError) expect(error).not.toBeInstanceOf(TransientError);
  });

  it('rate limits carry a wait, Meta’s own estimate first', () => {
    expect((whatsappSendError(failure(130429, 429)) as TransientError).retryAfterMs).toBe(1000);
    expect((whatsappSendError(failure(131056)) as TransientError).retryAfterMs).toBe(6000);
    expect((whatsappSendError(failure(80007, 400, { retryAfterMs: 120_000 })) as TransientError).retryAfterMs).toBe(
      120_000,
    );
  });

  it('names the code and the trace id in the message', () => {
    expect(whatsappSendError(failure(190, 401)).message).toMatch(/code 190.*fbtrace_id Az1.*WHATSAPP_TOKEN/);
  });
});
