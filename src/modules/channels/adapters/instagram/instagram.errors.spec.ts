import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { OutsideServiceWindowError, RecipientUnreachableError } from '../../domain/channel-errors';
import type { GraphFailure } from '../meta/graph-error';
import { instagramSendError } from './instagram.errors';

const failure = (code: number | null, subcode: number | null = null, status = 400): GraphFailure => ({
  status,
  code,
  subcode,
  type: 'IGApiException',
  message: 'something',
  fbtraceId: '',
});

describe('instagramSendError', () => {
  it.each([
    [10, 2018278, 400, OutsideServiceWindowError],
    [10, 2534022, 403, OutsideServiceWindowError],
    [551, 1545041, 400, RecipientUnreachableError],
    [100, 2534014, 400, RecipientUnreachableError],
    [4, null, 400, TransientError],
    [17, null, 400, TransientError],
    [32, null, 400, TransientError],
    [613, null, 400, TransientError],
    [2, null, 503, TransientError],
    [null, null, 500, TransientError],
    [190, null, 401, PermanentError],
    [10, null, 403, PermanentError],
    [100, null, 400, PermanentError],
  ])('code %s/%s (HTTP %s) → %p', (code, subcode, status, type) => {
    const error = instagramSendError(failure(code, subcode, status));
    expect(error).toBeInstanceOf(type);
    if (type === PermanentError) {
      expect(error).not.toBeInstanceOf(OutsideServiceWindowError);
      expect(error).not.toBeInstanceOf(RecipientUnreachableError);
    }
  });

  it('rate limits wait 30 s unless Meta says otherwise', () => {
    expect((instagramSendError(failure(4)) as TransientError).retryAfterMs).toBe(30_000);
  });
});
