import { SmscSender, smscIdFor } from '../../src/modules/notifications/adapters/sms/smsc.sender';
import { SmsRuSender } from '../../src/modules/notifications/adapters/sms/smsru.sender';
import type { SmsMessage } from '../../src/modules/notifications/ports/sms-sender.port';
import { PermanentError, TransientError } from '../../src/shared/domain-error';
import { FakeSmsc, smscError } from '../fakes/sms/fake-smsc';
import { FakeSmsRu } from '../fakes/sms/fake-smsru';

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

let subscriber = 1234000;
/** A fresh Russian mobile number per case, so the gateways' duplicate rules never link two cases. */
function sms(overrides: Partial<SmsMessage> = {}): SmsMessage {
  subscriber += 1;
  return {
    to: `+7913${String(subscriber).padStart(7, '0')}`,
    text: 'Напоминаем: завтра в 15:00 маникюр в салоне «Волна». Ответьте, если планы изменились.',
    idempotencyKey: String(subscriber),
    ...overrides,
  };
}

const digits = (e164: string) => e164.slice(1);
const masked = (e164: string) => `${e164.slice(0, 2)}${'*'.repeat(e164.length - 4)}${e164.slice(-2)}`;

/** No error message may carry a credential or the full number. */
function expectClean(error: Error, secrets: string[], phone: string): void {
  for (const secret of secrets) expect(error.message).not.toContain(secret);
  expect(error.message).not.toContain(digits(phone).slice(1));
}

describe('SMS.ru sender against the fake SMS.ru', () => {
  const fake = new FakeSmsRu();
  let base: string;
  let sender: SmsRuSender;

  beforeAll(async () => {
    base = await fake.start();
    sender = new SmsRuSender({ apiId: fake.apiId, sender: 'Volna', base, timeoutMs: 500 });
  });
  afterEach(() => fake.clearFaults());
  afterAll(() => fake.stop());

  it('POSTs api_id, to, msg, json=1 and from as a form, and returns the sms_id', async () => {
    const message = sms();
    const sent = await sender.send(message);

    const [delivered] = fake.messagesTo(digits(message.to));
    expect(sent).toEqual({ provider: 'smsru', providerMessageId: delivered.smsId });
    expect(delivered).toMatchObject({ text: message.text, from: 'Volna' });
    const [call] = fake.requests.slice(-1);
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/sms/send');
    expect([...call.query.keys()]).toEqual([]); // nothing secret or personal in the URL
    expect(call.body).toEqual({
      api_id: fake.apiId,
      to: digits(message.to),
      msg: message.text,
      json: '1',
      from: 'Volna',
    });
  });

  it('leaves `from` out when no sender name is set', async () => {
    const plain = new SmsRuSender({ apiId: fake.apiId, base, timeoutMs: 500 });
    await plain.send(sms());
    expect(fake.requests.slice(-1)[0].body.from).toBeUndefined();
  });

  it.each([
    [220, /code 220 \(Сервис временно недоступен, попробуйте чуть позже\): SMS.ru asks to try later/],
    [500, /code 500 .*try later/],
  ])('request-level code %i is transient', async (code, expected) => {
    fake.failWith(code);
    const message = sms();
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(expected);
    expect(fake.messagesTo(digits(message.to))).toHaveLength(0);
  });

  it('a rejected api_id is permanent and never shown', async () => {
    const wrong = new SmsRuSender({ apiId: 'AAAAAAAA-0000-1111-2222-333333333333', base, timeoutMs: 500 });
    const message = sms();
    const error = await failureOf(wrong.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(
      `SMS.ru sms/send to ${masked(message.to)}: code 200 (Неправильный api_id): api_id rejected: check SMSRU_API_ID`,
    );
    expectClean(error, ['AAAAAAAA-0000-1111-2222-333333333333', fake.apiId], message.to);
  });

  it('not enough money (201) is permanent', async () => {
    const balance = fake.balance;
    fake.balance = 1;
    try {
      const error = await failureOf(sender.send(sms()));
      expect(error).toBeInstanceOf(PermanentError);
      expect(error.message).toMatch(/code 201 .*not enough money on the SMS.ru account/);
    } finally {
      fake.balance = balance;
    }
  });

  it('an unapproved sender name (204) is permanent', async () => {
    const unapproved = new SmsRuSender({ apiId: fake.apiId, sender: 'Unknown', base, timeoutMs: 500 });
    const error = await failureOf(unapproved.send(sms()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/code 204 .*check SMS_SENDER/);
  });

  it('the same text to the same number within a minute is refused (231): permanent, naming the duplicate', async () => {
    const message = sms();
    await sender.send(message);
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(
      /code 231 \(Превышен лимит одинаковых сообщений на этот номер в минуту\): duplicate refused, an identical text went to this number within the last minute; not sent again/,
    );
    expect(fake.messagesTo(digits(message.to))).toHaveLength(1);
    expectClean(error, [fake.apiId], message.to);
  });

  it.each([
    [202, /bad recipient number/],
    [207, /no route for messages to this number/],
    [232, /duplicate refused, an identical text went to this number today/],
    [230, /daily limit of messages to this number/],
  ])('per-number code %i is permanent, though the request said OK', async (code, expected) => {
    const message = sms();
    fake.failNumber(digits(message.to), code);
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(new RegExp(`code ${code} `));
    expect(error.message).toMatch(expected);
    expectClean(error, [fake.apiId], message.to);
  });

  it('a number in the stop list (209) is permanent', async () => {
    const message = sms();
    fake.stopList.add(digits(message.to));
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/code 209 .*stop list/);
  });

  it.each([
    ['HTTP 503', () => fake.failNext({ status: 503, body: '<html>503 Service Unavailable</html>' }), /HTTP 503/],
    [
      'a body that is not JSON',
      () => fake.failNext({ status: 200, body: '<html>maintenance</html>' }),
      /not SMS.ru's JSON/,
    ],
    ['a dropped connection', () => fake.failNext('drop'), /connection failed/],
    ['no answer', () => fake.failNext('hang'), /no answer within 500 ms/],
  ])('%s is transient, and no error shows the api_id or the number', async (_name, arrange, expected) => {
    arrange();
    const message = sms();
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(masked(message.to));
    expectClean(error, [fake.apiId], message.to);
  });
});

describe('SMSC sender against the fake SMSC', () => {
  const fake = new FakeSmsc();
  let base: string;
  let sender: SmscSender;

  beforeAll(async () => {
    base = await fake.start();
    sender = new SmscSender({ login: fake.login, password: fake.password, sender: 'Volna', base, timeoutMs: 500 });
  });
  afterEach(() => fake.clearFaults());
  afterAll(() => fake.stop());

  it('POSTs login, psw, phones, mes, fmt=3, charset, our id and sender, and returns the id', async () => {
    const message = sms();
    const sent = await sender.send(message);

    const [delivered] = fake.messagesTo(digits(message.to));
    expect(sent).toEqual({ provider: 'smsc', providerMessageId: smscIdFor(message.idempotencyKey) });
    expect(delivered).toMatchObject({ id: `ob-${message.idempotencyKey}`, text: message.text, sender: 'Volna' });
    const [call] = fake.sendCalls().slice(-1);
    expect(call.method).toBe('POST');
    expect([...call.query.keys()]).toEqual([]);
    expect(call.body).toEqual({
      login: fake.login,
      psw: fake.password,
      fmt: '3',
      charset: 'utf-8',
      phones: digits(message.to),
      mes: message.text,
      id: `ob-${message.idempotencyKey}`,
      sender: 'Volna',
    });
  });

  it('a retry after a lost answer meets error 9, finds the first message by phone and id, and sends nothing more', async () => {
    const message = sms();
    fake.failNext('drop-after', 1, (request) => request.path === '/sys/send.php');
    expect(await failureOf(sender.send(message))).toBeInstanceOf(TransientError);

    const sent = await sender.send(message);
    expect(sent).toEqual({ provider: 'smsc', providerMessageId: smscIdFor(message.idempotencyKey) });
    expect(fake.messagesTo(digits(message.to))).toHaveLength(1);
    const lookup = fake.requests.filter((r) => r.path === '/sys/status.php').slice(-1)[0];
    expect(lookup.body).toMatchObject({ phone: digits(message.to), id: smscIdFor(message.idempotencyKey), fmt: '3' });
  });

  it('error 9 when SMSC has no such message is a refused duplicate: permanent', async () => {
    const message = sms();
    fake.failWith(9);
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toBe(
      `SMSC send to ${masked(message.to)}: error 9, duplicate refused: an identical request went within the last minute and SMSC has no message ${smscIdFor(message.idempotencyKey)}; not sent again`,
    );
    expect(fake.messagesTo(digits(message.to))).toHaveLength(0);
  });

  it('error 9 when the earlier attempt failed at the operator is permanent', async () => {
    const message = sms();
    fake.failNext('drop-after', 1, (request) => request.path === '/sys/send.php');
    await failureOf(sender.send(message));
    fake.messagesTo(digits(message.to))[0].status = 22;
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/an earlier attempt of this SMS failed \(status 22, wrong number\)/);
  });

  it('error 9 with a failing status lookup is transient', async () => {
    const message = sms();
    fake.failWith(9);
    fake.failNext(smscError(4), 1, (request) => request.path === '/sys/status.php');
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/error 4 \(IP is blocked\) after error 9/);
  });

  it('error 4 (IP temporarily blocked) is transient with a wait', async () => {
    fake.failWith(4);
    const error = await failureOf(sender.send(sms()));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(60_000);
  });

  it('bad credentials (2) are permanent and never shown', async () => {
    const wrong = new SmscSender({ login: fake.login, password: 'wrong-password-987', base, timeoutMs: 500 });
    const message = sms();
    const error = await failureOf(wrong.send(message));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/error 2 \(authorise error\): login or password rejected/);
    expectClean(error, ['wrong-password-987', fake.password], message.to);
  });

  it('no money (3), a forbidden sender (6), a bad number (7) and an undeliverable number (8) are permanent', async () => {
    const balance = fake.balance;
    fake.balance = 0;
    const noMoney = await failureOf(sender.send(sms())).finally(() => (fake.balance = balance));

    const banned = new SmscSender({ login: fake.login, password: fake.password, sender: 'Spam', base, timeoutMs: 500 });
    fake.bannedSenders.add('Spam');
    const forbidden = await failureOf(banned.send(sms()));

    const badNumber = await failureOf(sender.send(sms({ to: '+7913' })));

    const unreachable = sms();
    fake.undeliverable.add(digits(unreachable.to));
    const undeliverable = await failureOf(sender.send(unreachable));

    const errors = [noMoney, forbidden, badNumber, undeliverable];
    for (const error of errors) expect(error).toBeInstanceOf(PermanentError);
    expect(errors.map((e) => /error (\d+)/.exec(e.message)?.[1])).toEqual(['3', '6', '7', '8']);
    expect(noMoney.message).toMatch(/not enough money on the SMSC account/);
    expect(forbidden.message).toMatch(/check SMS_SENDER/);
    expect(undeliverable.message).toMatch(/cannot be delivered/);
    expectClean(undeliverable, [fake.password], unreachable.to);
  });

  it('error 1 (bad parameters) is permanent', async () => {
    fake.failWith(1);
    const error = await failureOf(sender.send(sms()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/error 1 \(parameters error\): bad parameters/);
  });

  it.each([
    ['HTTP 502', () => fake.failNext({ status: 502, body: '<html>502 Bad Gateway</html>' }), /HTTP 502/],
    ['a body that is not JSON', () => fake.failNext({ status: 200, body: 'ERROR = 1' }), /not SMSC's JSON/],
    ['a dropped connection', () => fake.failNext('drop'), /connection failed/],
    ['no answer', () => fake.failNext('hang'), /no answer within 500 ms/],
  ])('%s is transient, and no error shows the password or the number', async (_name, arrange, expected) => {
    arrange();
    const message = sms();
    const error = await failureOf(sender.send(message));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(expected);
    expectClean(error, [fake.password], message.to);
  });
});
