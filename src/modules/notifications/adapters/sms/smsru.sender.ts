import type { EnvironmentVariables } from '../../../../config/env.validation';
import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { maskPhone } from '../../../../shared/phone';
import { SmsSender, type SentSms, type SmsMessage } from '../../ports/sms-sender.port';
import { gatewayNumber, gatewayText, postForm, SMS_HTTP_TIMEOUT_MS } from './sms-http';

export const DEFAULT_SMSRU_BASE = 'https://sms.ru';
const OK = 100;

/** "Try a little later": the service is down for a moment, or its server failed. */
const TRY_LATER = new Set([220, 500]);

/** Codes that refuse an SMS because the same text already went to the number. */
const DUPLICATE: Record<number, string> = {
  231: 'an identical text went to this number within the last minute',
  232: 'an identical text went to this number today',
  233: 'too many messages with a code to this number in a short time (anti-fraud)',
};

/** Codes a person must act on, with what they mean (SMS.ru's list). Any other code is permanent too. */
const PERMANENT: Record<number, string> = {
  200: 'api_id rejected: check SMSRU_API_ID',
  201: 'not enough money on the SMS.ru account',
  202: 'bad recipient number, or no route to it',
  203: 'empty text',
  204: 'sender name not approved: check SMS_SENDER',
  205: 'message too long (over 8 SMS)',
  206: 'the daily sending limit of the account is reached',
  207: 'no route for messages to this number',
  208: 'bad time parameter',
  209: 'the number is in the stop list of the account',
  210: 'GET used where POST is required',
  211: 'method not found',
  212: 'text not in UTF-8',
  213: 'too many recipients',
  214: 'a number abroad while the account sends only to Russian numbers',
  230: 'the daily limit of messages to this number is reached',
  300: 'token rejected (expired, or the IP changed)',
  301: 'api_id or login/password rejected: check SMSRU_API_ID',
  302: 'the account is not confirmed',
};

export interface SmsRuOptions {
  apiId: string;
  sender?: string;
  base?: string;
  timeoutMs?: number;
}

/**
 * SMS.ru: POST `<base>/sms/send` with api_id, to, msg, json=1 (and `from`). SMS.ru answers a request-level
 * status and a status per number; both must say 100. SMS.ru has no idempotency key: after a lost answer a retry
 * may send again, which its duplicate rule (231, identical text within a minute) usually refuses.
 */
export class SmsRuSender extends SmsSender {
  readonly provider = 'smsru';
  private readonly url: string;

  constructor(private readonly options: SmsRuOptions) {
    super();
    this.url = `${(options.base ?? DEFAULT_SMSRU_BASE).replace(/\/+$/, '')}/sms/send`;
  }

  static fromEnv(env: EnvironmentVariables): SmsRuSender {
    if (!env.SMSRU_API_ID) throw new PermanentError('SMS.ru: SMSRU_API_ID is not set');
    return new SmsRuSender({ apiId: env.SMSRU_API_ID, sender: env.SMS_SENDER, base: env.SMS_API_BASE });
  }

  async send(sms: SmsMessage): Promise<SentSms> {
    const to = gatewayNumber(sms.to);
    const label = `SMS.ru sms/send to ${maskPhone(sms.to)}`;
    const { status, json } = await postForm(
      label,
      this.url,
      {
        api_id: this.options.apiId,
        to,
        msg: sms.text,
        json: '1',
        ...(this.options.sender ? { from: this.options.sender } : {}),
      },
      this.options.timeoutMs ?? SMS_HTTP_TIMEOUT_MS,
    );
    if (status >= 500 || status === 429) throw new TransientError(`${label}: HTTP ${status}`);
    if (status >= 300) throw new PermanentError(`${label}: HTTP ${status}`);
    if (!json) throw new TransientError(`${label}: HTTP ${status} with a body that is not SMS.ru's JSON`);

    const requestCode = code(json.status_code);
    if (json.status !== 'OK' || requestCode !== OK) throw smsRuFailure(label, requestCode, json.status_text);
    const entry = numberEntry(json.sms, to);
    if (!entry) {
      // Accepted, but nothing said about our number: sending again could double the SMS, so a person looks.
      throw new PermanentError(`${label}: the request was accepted but no status came for the number`);
    }
    const numberCode = code(entry.status_code);
    if (entry.status !== 'OK' || numberCode !== OK) throw smsRuFailure(label, numberCode, entry.status_text);
    if (typeof entry.sms_id !== 'string' || !entry.sms_id) {
      throw new PermanentError(`${label}: accepted without an sms_id`);
    }
    return { provider: this.provider, providerMessageId: entry.sms_id };
  }
}

/** Sorts an SMS.ru status code: try later, a duplicate SMS.ru refuses, or a refusal a person must fix. */
export function smsRuFailure(label: string, statusCode: number | null, statusText: unknown): Error {
  const said = gatewayText(statusText);
  const message = `${label}: code ${statusCode ?? 'none'}${said ? ` (${said})` : ''}`;
  if (statusCode === null) return new TransientError(`${message}: an answer without a status code`);
  if (TRY_LATER.has(statusCode)) return new TransientError(`${message}: SMS.ru asks to try later`);
  if (Object.hasOwn(DUPLICATE, statusCode)) {
    return new PermanentError(`${message}: duplicate refused, ${DUPLICATE[statusCode]}; not sent again`);
  }
  if (Object.hasOwn(PERMANENT, statusCode)) return new PermanentError(`${message}: ${PERMANENT[statusCode]}`);
  return new PermanentError(message);
}

interface NumberEntry {
  status?: unknown;
  status_code?: unknown;
  status_text?: unknown;
  sms_id?: unknown;
}

/** Our number's entry in `sms`, keyed by the number as SMS.ru normalized it (the only entry, when it differs). */
function numberEntry(sms: unknown, to: string): NumberEntry | null {
  if (!sms || typeof sms !== 'object' || Array.isArray(sms)) return null;
  const entries = sms as Record<string, unknown>;
  const entry = entries[to] ?? (Object.keys(entries).length === 1 ? Object.values(entries)[0] : undefined);
  return entry && typeof entry === 'object' ? (entry as NumberEntry) : null;
}

function code(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}
