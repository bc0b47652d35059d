import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

/** SMS.ru's status texts (from its API page and client-library tables). */
export const SMSRU_TEXTS: Record<number, string> = {
  100: 'Сообщение принято к отправке',
  200: 'Неправильный api_id',
  201: 'Не хватает средств на лицевом счету',
  202: 'Неправильно указан номер телефона получателя, либо на него нет маршрута',
  203: 'Нет текста сообщения',
  204: 'Имя отправителя не согласовано с администрацией',
  205: 'Сообщение слишком длинное (превышает 8 СМС)',
  206: 'Будет превышен или уже превышен дневной лимит на отправку сообщений',
  207: 'На этот номер (или один из номеров) нельзя отправлять сообщения, либо указано более 100 номеров в списке получателей',
  209: 'Вы добавили этот номер (или один из номеров) в стоп-лист',
  220: 'Сервис временно недоступен, попробуйте чуть позже',
  230: 'Превышен общий лимит количества сообщений на этот номер в день',
  231: 'Превышен лимит одинаковых сообщений на этот номер в минуту',
  232: 'Превышен лимит одинаковых сообщений на этот номер в день',
  233: 'Превышен лимит отправки повторных сообщений с кодом на этот номер за короткий промежуток времени',
  301: 'Неправильный api_id, либо логин/пароль',
  500: 'Ошибка на сервере. Повторите запрос.',
};

/** A request-level error, as SMS.ru answers it with json=1: HTTP 200 and `{status: "ERROR", status_code, status_text}`. */
export function smsRuError(code: number): FakeResponse {
  return { status: 200, body: { status: 'ERROR', status_code: code, status_text: SMSRU_TEXTS[code] ?? 'Ошибка' } };
}

export interface SentSmsRu {
  smsId: string;
  to: string;
  text: string;
  from?: string;
  at: number;
}

const PRICE_PER_SMS = 3.5;
const SEGMENT_CHARS_CYRILLIC = 70;

/**
 * SMS.ru's sms/send as an account sees it: POST form (api_id, to, msg, json=1, from), HTTP 200 with a
 * request-level status and, per number, status/status_code/sms_id or an error; the balance decreases. It refuses
 * an identical text to a number within a minute (231), numbers in the stop list (209), unapproved senders (204),
 * and insufficient funds (201). Per-number errors are set with `failNumber`, request errors and hangs with
 * `failWith` / `failNext`.
 */
export class FakeSmsRu extends FakeHttpServer {
  readonly sent: SentSmsRu[] = [];
  balance = 1000;
  approvedSenders = new Set<string>(['Volna']);
  stopList = new Set<string>();
  duplicateWindowMs = 60_000;
  private readonly numberFaults = new Map<string, number>();
  private nextId = 10000000;

  constructor(readonly apiId = '5B1D4F2E-3C6A-8E7B-1A2D-9F0C3E4B5A6D') {
    super();
    this.route('POST', '/sms/send', (request) => this.send(request));
  }

  /** The next `times` sends fail at request level with this code (220, 500, 301, ...). */
  failWith(code: number, times = 1): void {
    this.failNext(smsRuError(code), times, isSend);
  }

  /** Sends to this number get this per-number error code (202, 207, 230, ...). */
  failNumber(number: string, code: number): void {
    this.numberFaults.set(number, code);
  }

  messagesTo(number: string): SentSmsRu[] {
    return this.sent.filter((m) => m.to === number);
  }

  private send(request: FakeRequest): FakeResponse {
    const params: Record<string, string> = { ...Object.fromEntries(request.query), ...request.body };
    if (params.api_id !== this.apiId) return smsRuError(200);
    if (params.from && !this.approvedSenders.has(params.from)) return smsRuError(204);
    const numbers = (params.to ?? '').split(',').filter(Boolean);
    if (numbers.length === 0) return smsRuError(202);
    const text = params.msg ?? '';
    const cost = PRICE_PER_SMS * Math.max(1, Math.ceil([...text].length / SEGMENT_CHARS_CYRILLIC)) * numbers.length;
    if (cost > this.balance) return smsRuError(201);

    const sms: Record<string, unknown> = {};
    for (const number of numbers) sms[number] = this.sendOne(number, text, params.from);
    const body = { status: 'OK', status_code: 100, sms, balance: Math.round(this.balance * 100) / 100 };
    if (params.json === '1') return { status: 200, body };
    // Without json=1 SMS.ru answers lines: the code, then one line per number, then the balance.
    const lines = Object.values(sms).map((entry: any) => entry.sms_id ?? String(entry.status_code));
    return {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: ['100', ...lines, `balance=${body.balance}`].join('\n'),
    };
  }

  private sendOne(number: string, text: string, from?: string): Record<string, unknown> {
    const fault = this.numberFaults.get(number);
    if (fault) return numberError(fault);
    if (!/^\d{11,15}$/.test(number)) return numberError(202);
    if (!text) return numberError(203);
    if (this.stopList.has(number)) return numberError(209);
    const now = Date.now();
    if (this.sent.some((m) => m.to === number && m.text === text && now - m.at < this.duplicateWindowMs)) {
      return numberError(231);
    }
    this.balance -= PRICE_PER_SMS * Math.max(1, Math.ceil([...text].length / SEGMENT_CHARS_CYRILLIC));
    const smsId = `000000-${this.nextId++}`;
    this.sent.push({ smsId, to: number, text, from, at: now });
    return { status: 'OK', status_code: 100, sms_id: smsId };
  }
}

function numberError(code: number): Record<string, unknown> {
  return { status: 'ERROR', status_code: code, status_text: SMSRU_TEXTS[code] ?? 'Ошибка' };
}

function isSend(request: FakeRequest): boolean {
  return request.path === '/sms/send';
}
