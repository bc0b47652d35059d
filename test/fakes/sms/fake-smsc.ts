import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

/** SMSC's error descriptions with fmt=3 (approximate texts; the codes are what clients decide on). */
export const SMSC_ERRORS: Record<number, string> = {
  1: 'parameters error',
  2: 'authorise error',
  3: 'no money',
  4: 'IP is blocked',
  5: 'invalid date format',
  6: 'message is denied',
  7: 'invalid phone number format',
  8: 'message to phone is not delivered',
  9: 'duplicate request, wait a minute',
};

/** `{error, error_code}` with HTTP 200, plus the message id for codes 3, 6, 7 and 8, as SMSC answers with fmt=3. */
export function smscError(code: number, id?: string | number): FakeResponse {
  const withId = [3, 6, 7, 8].includes(code) && id !== undefined ? { id } : {};
  return { status: 200, body: { error: SMSC_ERRORS[code] ?? 'error', error_code: code, ...withId } };
}

export interface SentSmsc {
  id: string;
  phone: string;
  text: string;
  sender?: string;
  /** SMSC's status codes: -1 waiting, 0 at the operator, 1 delivered, 20 impossible to deliver, ... */
  status: number;
  at: number;
}

const PRICE_PER_SMS = 2.9;
const DUPLICATE_WINDOW_MS = 60_000;

/**
 * SMSC.ru's HTTP API as an account sees it: `/sys/send.php` and `/sys/status.php`, GET or POST, login+psw,
 * fmt=3 JSON answers with HTTP 200 (`{id, cnt}` or `{error, error_code}`). It refuses an identical send request
 * within a minute (error 9), keeps messages by (phone, id) for status queries (status -3 when unknown), keeps the
 * last message for a repeated id (SMSC's ids are not unique), charges a balance (error 3). Scripted request
 * errors and hangs come from `failWith` / `failNext`.
 */
export class FakeSmsc extends FakeHttpServer {
  readonly sent: SentSmsc[] = [];
  balance = 1000;
  bannedSenders = new Set<string>();
  undeliverable = new Set<string>();
  private readonly recentRequests = new Map<string, number>();
  private nextId = 1001;

  constructor(
    readonly login = 'volna-salon',
    readonly password = 'smsc-password-0123456789',
  ) {
    super();
    for (const method of ['GET', 'POST']) {
      this.route(method, '/sys/send.php', (request) => this.send(paramsOf(request)));
      this.route(method, '/sys/status.php', (request) => this.status(paramsOf(request)));
    }
  }

  /** The next `times` send requests answer with this SMSC error code. */
  failWith(code: number, times = 1): void {
    this.failNext(smscError(code), times, (request) => request.path === '/sys/send.php');
  }

  messagesTo(phone: string): SentSmsc[] {
    return this.sent.filter((m) => m.phone === phone);
  }

  sendCalls(): FakeRequest[] {
    return this.requests.filter((request) => request.path === '/sys/send.php');
  }

  private send(params: Record<string, string>): FakeResponse {
    if (params.login !== this.login || params.psw !== this.password) return smscError(2);
    const { phones = '', mes = '' } = params;
    if (!phones || !mes) return smscError(1);
    const signature = JSON.stringify(Object.entries(params).sort());
    const now = Date.now();
    const seen = this.recentRequests.get(signature);
    if (seen !== undefined && now - seen < DUPLICATE_WINDOW_MS) return smscError(9);

    const id = params.id || String(this.nextId++);
    const numbers = phones.split(/[,;]/).filter(Boolean);
    if (!numbers.every((phone) => /^\+?\d{10,15}$/.test(phone))) return smscError(7, id);
    if (params.sender && this.bannedSenders.has(params.sender)) return smscError(6, id);
    const parts = Math.max(1, Math.ceil([...mes].length / 70));
    if (PRICE_PER_SMS * parts * numbers.length > this.balance) return smscError(3, id);
    if (numbers.some((phone) => this.undeliverable.has(phone.replace('+', '')))) return smscError(8, id);

    this.balance -= PRICE_PER_SMS * parts * numbers.length;
    this.recentRequests.set(signature, now);
    for (const phone of numbers) {
      const number = phone.replace('+', '');
      // A repeated id replaces the older message in status queries: "the status query returns the last message".
      const earlier = this.sent.findIndex((m) => m.phone === number && m.id === id);
      const message = { id, phone: number, text: mes, sender: params.sender, status: 1, at: now };
      if (earlier >= 0) this.sent.splice(earlier, 1);
      this.sent.push(message);
    }
    const answer = { id: /^\d+$/.test(id) ? Number(id) : id, cnt: parts * numbers.length };
    if (params.fmt === '3') return { status: 200, body: answer };
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: `OK - ${answer.cnt} SMS, ID - ${id}` };
  }

  private status(params: Record<string, string>): FakeResponse {
    if (params.login !== this.login || params.psw !== this.password) return smscError(2);
    if (!params.phone || !params.id) return smscError(1);
    const message = this.sent.find((m) => m.phone === params.phone.replace('+', '') && m.id === params.id);
    const at = Math.floor((message?.at ?? Date.now()) / 1000);
    return {
      status: 200,
      body: {
        status: message ? message.status : -3,
        last_date: new Date(at * 1000).toISOString().replace('T', ' ').slice(0, 19),
        last_timestamp: at,
        flag: 0,
        err: 0,
      },
    };
  }
}

function paramsOf(request: FakeRequest): Record<string, string> {
  const body = request.body && typeof request.body === 'object' ? request.body : {};
  return { ...Object.fromEntries(request.query), ...body };
}
