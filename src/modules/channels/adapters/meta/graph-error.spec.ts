import { describeGraphFailure, readGraphFailure } from './graph-error';

const body = (error: object) => JSON.stringify({ error });

describe('readGraphFailure', () => {
  it('reads code, subcode, type, trace id and details', () => {
    const failure = readGraphFailure(
      400,
      body({
        message: '(#131047) Re-engagement message',
        type: 'OAuthException',
        code: 131047,
        error_subcode: 2494010,
        error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours' },
        fbtrace_id: 'AbC123',
      }),
      new Headers(),
    );
    expect(failure).toEqual({
      status: 400,
      code: 131047,
      subcode: 2494010,
      type: 'OAuthException',
      message: '(#131047) Re-engagement message — Message failed to send because more than 24 hours',
      fbtraceId: 'AbC123',
      retryAfterMs: undefined,
    });
    expect(describeGraphFailure(failure)).toBe(
      'HTTP 400 code 131047/2494010: (#131047) Re-engagement message — Message failed to send because more than 24 hours [fbtrace_id AbC123]',
    );
  });

  it('keeps phone numbers and e-mails out of the message', () => {
    const failure = readGraphFailure(
      400,
      body({ code: 100, message: 'Recipient +7 916 123-45-67 (79161234567) or anna@example.ru is invalid' }),
      new Headers(),
    );
    expect(failure.message).toBe('Recipient [number]) or [email] is invalid');
  });

  it('reads the wait from X-Business-Use-Case-Usage (minutes) and Retry-After (seconds)', () => {
    const usage = JSON.stringify({
      '102290129340398': [
        { type: 'whatsapp_business_management', call_count: 100, estimated_time_to_regain_access: 2 },
      ],
    });
    expect(
      readGraphFailure(400, body({ code: 80007 }), new Headers({ 'x-business-use-case-usage': usage })).retryAfterMs,
    ).toBe(120_000);
    expect(readGraphFailure(429, body({ code: 4 }), new Headers({ 'retry-after': '7' })).retryAfterMs).toBe(7000);
    expect(
      readGraphFailure(400, body({ code: 4 }), new Headers({ 'x-business-use-case-usage': '{oops' })).retryAfterMs,
    ).toBeUndefined();
  });

  it('survives an answer that is not a Graph error', () => {
    expect(readGraphFailure(502, '<html>Bad Gateway</html>', new Headers())).toMatchObject({
      status: 502,
      code: null,
      message: 'the answer is not a Graph error',
    });
  });
});
