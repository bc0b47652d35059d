import { validateEnvironment } from '../../../../config/env.validation';
import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { NoSmsGateway } from './no-sms.gateway';
import { smsSenderFor } from './sms-gateway';
import { gatewayNumber, gatewayText } from './sms-http';
import { SmscSender, smscFailure, smscIdFor } from './smsc.sender';
import { SmsRuSender, smsRuFailure } from './smsru.sender';

const env = (vars: Record<string, string> = {}) =>
  validateEnvironment({ ADMIN_API_TOKEN: 'admin-token-0123456789', ...vars });

describe('smsSenderFor', () => {
  it('picks SMS.ru when SMSRU_API_ID is set, even with SMSC credentials', () => {
    const sender = smsSenderFor(env({ SMSRU_API_ID: 'api-id', SMSC_LOGIN: 'login', SMSC_PASSWORD: 'password' }));
    expect(sender).toBeInstanceOf(SmsRuSender);
    expect(sender.provider).toBe('smsru');
  });

  it('picks SMSC.ru with SMSC_LOGIN and SMSC_PASSWORD', () => {
    const sender = smsSenderFor(env({ SMSC_LOGIN: 'login', SMSC_PASSWORD: 'password' }));
    expect(sender).toBeInstanceOf(SmscSender);
    expect(sender.provider).toBe('smsc');
  });

  it('without credentials, every SMS fails for good saying what to set', async () => {
    const sender = smsSenderFor(env());
    expect(sender).toBeInstanceOf(NoSmsGateway);
    expect(sender.provider).toBe('none');
    const sending = sender.send({ to: '+79131234567', text: 'Напоминаем о записи', idempotencyKey: '1' });
    await expect(sending).rejects.toBeInstanceOf(PermanentError);
    await expect(sending).rejects.toThrow(
      'no SMS gateway configured: set SMSRU_API_ID or SMSC_LOGIN and SMSC_PASSWORD',
    );
  });
});

describe('smsRuFailure', () => {
  const label = 'SMS.ru sms/send to +7*********67';

  it.each([220, 500])('code %i is transient: SMS.ru asks to try later', (code) => {
    const error = smsRuFailure(label, code, 'Сервис временно недоступен, попробуйте чуть позже');
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe(
      `${label}: code ${code} (Сервис временно недоступен, попробуйте чуть позже): SMS.ru asks to try later`,
    );
  });

  it.each([231, 232, 233])('code %i is a refused duplicate, permanent', (code) => {
    const error = smsRuFailure(label, code, 'Превышен лимит одинаковых сообщений на этот номер в минуту');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/duplicate refused/);
  });

  it.each([
    [200, /api_id rejected/],
    [201, /not enough money/],
    [202, /bad recipient number/],
    [204, /sender name not approved/],
    [207, /no route/],
    [209, /stop list/],
    [230, /daily limit of messages to this number/],
    [301, /check SMSRU_API_ID/],
    [999, /code 999$/],
  ])('code %i is permanent', (code, expected) => {
    const error = smsRuFailure(label, code, '');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(expected);
  });

  it('an answer without a code is transient', () => {
    expect(smsRuFailure(label, null, undefined)).toBeInstanceOf(TransientError);
  });
});

describe('smscFailure', () => {
  const label = 'SMSC send to +7*********67';

  it('error 4 (IP blocked for a while) is transient with a wait', () => {
    const error = smscFailure(label, 4, 'IP is blocked');
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(60_000);
  });

  it.each([
    [1, /bad parameters/],
    [2, /check SMSC_LOGIN and SMSC_PASSWORD/],
    [3, /not enough money/],
    [5, /bad date format/],
    [6, /forbidden by its text or sender/],
    [7, /bad phone number format/],
    [8, /cannot be delivered/],
  ])('error %i is permanent', (code, expected) => {
    const error = smscFailure(label, code, 'description');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(expected);
  });
});

describe('smscIdFor', () => {
  it('is "ob-<key>" when that fits SMSC (40 characters of [A-Za-z0-9._-])', () => {
    expect(smscIdFor('12345')).toBe('ob-12345');
    expect(smscIdFor('reminder.24h-8812')).toBe('ob-reminder.24h-8812');
  });

  it('is a stable hash of the key otherwise', () => {
    const key = 'reminder:24h:3f1c2a44-9b7e-4a8a-bf0e-2d6c1e7b9a10';
    const id = smscIdFor(key);
    expect(id).toMatch(/^ob-[0-9a-f]{37}$/);
    expect(smscIdFor(key)).toBe(id);
    expect(smscIdFor(`${key}x`)).not.toBe(id);
  });
});

describe('gateway helpers', () => {
  it('sends numbers as digits with the country code', () => {
    expect(gatewayNumber('+79131234567')).toBe('79131234567');
  });

  it('cuts phone numbers out of gateway texts', () => {
    expect(gatewayText('Номер 79131234567 в стоп-листе')).toBe('Номер [number] в стоп-листе');
    expect(gatewayText('Ошибка   на\nсервере')).toBe('Ошибка на сервере');
    expect(gatewayText(undefined)).toBe('');
  });
});
