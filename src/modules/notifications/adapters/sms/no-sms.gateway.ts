import { PermanentError } from '../../../../shared/domain-error';
import { SmsSender, type SentSms } from '../../ports/sms-sender.port';

/** No gateway configured: an SMS cannot go out, and the caller's work dead-letters with this reason. */
export class NoSmsGateway extends SmsSender {
  readonly provider = 'none';

  send(): Promise<SentSms> {
    return Promise.reject(
      new PermanentError('no SMS gateway configured: set SMSRU_API_ID or SMSC_LOGIN and SMSC_PASSWORD'),
    );
  }
}
