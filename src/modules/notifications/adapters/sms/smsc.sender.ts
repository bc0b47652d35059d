import { createHash } from 'node:crypto';
import type { EnvironmentVariables } from '../../../../config/env.validation';
import { PermanentError, TransientError } from '../../../../shared/domain-error';
import { maskPhone } from '../../../../shared/phone';
import { SmsSender, type SentSms, type SmsMessage } from '../../ports/sms-sender.port';
import { gatewayNumber, gatewayText, postForm, SMS_HTTP_TIMEOUT_MS } from './sms-http';

export const DEFAULT_SMSC_BASE = 'https://smsc.ru';
const DUPLICATE_REQUEST = 9;
/** SMSC blocks an IP "temporarily" after frequent errors and does not say for how long. */
const IP_BLOCK_RETRY_MS = 60_000;

const PERMANENT: Record<number, string> = {
  1: 'bad parameters',
  2: 'login or password rejected (or this IP is not allowed): check SMSC_LOGIN and SMSC_PASSWORD',
  3: 'not enough money on the SMSC account',
  5: 'bad date format',
  6: 'message forbidden by its text or sender name: check SMS_SENDER',
  7: 'bad phone number format',
  8: 'the message cannot be delivered to this number',
};

/** status.php: -3 no such message; 20..25 the message failed; anything else means SMSC took it. */
const NOT_FOUND = -3;
const FAILED_STATUSES: Record<number, string> = {
  20: 'impossible to deliver',
  22: 'wrong number',
  23: 'prohibited',
  24: 'not enough money',
  25: 'unavailable number',
};

export interface SmscOptions {
  login: string;
  password: string;
  sender?: string;
  base?: string;
  timeoutMs?: number;
}

/**
 * SMSC's message id for an SMS: derived from its idempotency key ("ob-<key>", or a hash when the key does not
 * fit SMSC's 40 characters of [A-Za-z0-9._-]). SMSC does not dedupe by it; it finds the message again by phone
 * and id.
 */
export function smscIdFor(idempotencyKey: string): string {
  const id = `ob-${idempotencyKey}`;
  if (/^[A-Za-z0-9._-]{1,40}$/.test(id)) return id;
  return `ob-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 37)}`;
}

/**
 * SMSC.ru: POST `<base>/sys/send.php` with login, psw, phones, mes, fmt=3 (JSON), charset=utf-8, our id and
 * `sender`. SMSC refuses an identical request within a minute (error 9). Our retries are identical (same id, number
 * and text), so error 9 on a retry means an earlier attempt reached SMSC: the message is looked up by phone and id,
 * and counts as sent when SMSC has it. Only when SMSC has no such message is it a true duplicate, refused for good.
 */
export class SmscSender extends SmsSender {
  readonly provider = 'smsc';
  private readonly base: string;

  constructor(private readonly options: SmscOptions) {
    super();
    this.base = (options.base ?? DEFAULT_SMSC_BASE).replace(/\/+$/, '');
  }

  static fromEnv(env: EnvironmentVariables): SmscSender {
    if (!env.SMSC_LOGIN || !env.SMSC_PASSWORD) {
      throw new PermanentError('SMSC: SMSC_LOGIN and SMSC_PASSWORD are not set');
    }
    return new SmscSender({
      login: env.SMSC_LOGIN,
      password: env.SMSC_PASSWORD,
      sender: env.SMS_SENDER,
      base: env.SMS_API_BASE,
    });
  }

  async send(sms: SmsMessage): Promise<SentSms> {
    const label = `SMSC send to ${maskPhone(sms.to)}`;
    const id = smscIdFor(sms.idempotencyKey);
    const json = await this.call(label, 'send.php', {
      phones: gatewayNumber(sms.to),
      mes: sms.text,
      id,
      ...(this.options.sender ? { sender: this.options.sender } : {}),
    });
    const errorCode = code(json.error_code);
    if (errorCode === DUPLICATE_REQUEST) return this.findEarlier(sms, id);
    if (errorCode !== null || json.error !== undefined) throw smscFailure(label, errorCode, json.error);
    if (json.id === undefined || json.id === null || json.id === '') {
      throw new PermanentError(`${label}: accepted without a message id`);
    }
    return { provider: this.provider, providerMessageId: String(json.id) };
  }

  /** After error 9: did an earlier attempt of this very SMS reach SMSC? */
  private async findEarlier(sms: SmsMessage, id: string): Promise<SentSms> {
    const label = `SMSC status of ${maskPhone(sms.to)}`;
    const json = await this.call(label, 'status.php', { phone: gatewayNumber(sms.to), id });
    const errorCode = code(json.error_code);
    if (errorCode !== null || json.error !== undefined) {
      // The lookup failed: try the whole send again later (within the minute it is refused and looked up again).
      throw new TransientError(`${label}: error ${errorCode ?? 'none'} (${gatewayText(json.error)}) after error 9`);
    }
    const status = code(json.status);
    if (status === null) throw new TransientError(`${label}: an answer without a status after error 9`);
    if (status === NOT_FOUND) {
      throw new PermanentError(
        `SMSC send to ${maskPhone(sms.to)}: error 9, duplicate refused: an identical request went within the last minute and SMSC has no message ${id}; not sent again`,
      );
    }
    if (Object.hasOwn(FAILED_STATUSES, status)) {
      throw new PermanentError(
        `${label}: an earlier attempt of this SMS failed (status ${status}, ${FAILED_STATUSES[status]})`,
      );
    }
    return { provider: this.provider, providerMessageId: id };
  }

  private async call(label: string, script: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    const { status, json } = await postForm(
      label,
      `${this.base}/sys/${script}`,
      { login: this.options.login, psw: this.options.password, fmt: '3', charset: 'utf-8', ...params },
      this.options.timeoutMs ?? SMS_HTTP_TIMEOUT_MS,
    );
    if (status >= 500 || status === 429) throw new TransientError(`${label}: HTTP ${status}`);
    if (status >= 300) throw new PermanentError(`${label}: HTTP ${status}`);
    if (!json) throw new TransientError(`${label}: HTTP ${status} with a body that is not SMSC's JSON`);
    return json;
  }
}

/** Sorts an SMSC error code: 4 (IP blocked for a while) is retried later, everything else needs a person. */
export function smscFailure(label: string, errorCode: number | null, error: unknown): Error {
  const said = gatewayText(error);
  const message = `${label}: error ${errorCode ?? 'none'}${said ? ` (${said})` : ''}`;
  if (errorCode === null) return new TransientError(`${message}: an error without a code`);
  if (errorCode === 4)
    return new TransientError(`${message}: IP temporarily blocked after frequent errors`, IP_BLOCK_RETRY_MS);
  if (Object.hasOwn(PERMANENT, errorCode)) return new PermanentError(`${message}: ${PERMANENT[errorCode]}`);
  return new PermanentError(message);
}

function code(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}
