import type { EnvironmentVariables } from '../../../../config/env.validation';
import type { SmsSender } from '../../ports/sms-sender.port';
import { NoSmsGateway } from './no-sms.gateway';
import { SmscSender } from './smsc.sender';
import { SmsRuSender } from './smsru.sender';

/** The gateway with credentials: SMS.ru first, then SMSC.ru, else none (sending fails with a clear reason). */
export function smsSenderFor(env: EnvironmentVariables): SmsSender {
  if (env.SMSRU_API_ID) return SmsRuSender.fromEnv(env);
  if (env.SMSC_LOGIN && env.SMSC_PASSWORD) return SmscSender.fromEnv(env);
  return new NoSmsGateway();
}
