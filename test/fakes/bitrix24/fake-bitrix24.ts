import type { CrmFailure, CrmFakeView } from '../../support/crm-contract';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

type Row = Record<string, any>;
type Params = Record<string, any>;

/** System errors as Bitrix24 answers them: HTTP status and error_description per code. */
export const BITRIX24_ERRORS = {
  QUERY_LIMIT_EXCEEDED: [503, 'Too many requests'],
  OPERATION_TIME_LIMIT: [429, 'Method is blocked due to operation time limit.'],
  OVERLOAD_LIMIT: [503, 'REST API is blocked due to overload.'],
  NO_AUTH_FOUND: [401, 'Wrong authorization data'],
  INVALID_CREDENTIALS: [401, 'Invalid request credentials'],
  ACCESS_DENIED: [403, 'REST API is available only on commercial plans.'],
  insufficient_scope: [401, 'The request requires higher privileges than provided by the webhook token'],
  PAYMENT_REQUIRED: [402, 'Payment required'],
  INTERNAL_SERVER_ERROR: [500, 'Internal server error'],
  ERROR_METHOD_NOT_FOUND: [404, 'Method not found!'],
  ERROR_BATCH_LENGTH_EXCEEDED: [400, 'Max batch length exceeded'],
  ERROR_BATCH_METHOD_NOT_ALLOWED: [405, 'Method is not allowed for batch usage'],
} as const satisfies Record<string, readonly [number, string]>;

export type Bitrix24ErrorCode = keyof typeof BITRIX24_ERRORS;

export function bitrixError(code: Bitrix24ErrorCode): FakeResponse {
  const [status, description] = BITRIX24_ERRORS[code];
  return { status, body: { error: code, error_description: description } };
}

/** A method-level error: 400 with the method's own code (which may be empty). */
class MethodError extends Error {
  constructor(
    readonly code: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

/** An error a test makes commands fail with (see `failCommands`); `status` is used when the command is a single call. */
export interface CommandError {
  error: string;
  error_description: string;
  /** HTTP status of a single call failing this way; 400 unless given. Inside a batch the answer stays 200. */
  status?: number;
}

/** One REST command the portal executed, as a single call or inside a batch. */
export interface CommandRecord {
  method: string;
  /** Parameters as the method saw them: after query-string parsing and `$result[...]` substitution. */
  params: Params;
  via: 'call' | 'batch';
  /** The command's key in the batch's `cmd`. */
  key?: string;
  ok: boolean;
  /** The error code when it failed. */
  error?: string;
  /** Clock time (ms) when it started. */
  at: number;
}

const MULTIFIELD_TYPES: Record<string, string[]> = {
  PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER'],
  EMAIL: ['WORK', 'HOME', 'MAILING', 'OTHER'],
  WEB: ['WORK', 'HOME', 'VK', 'LIVEJOURNAL', 'TWITTER', 'OTHER'],
  IM: ['TELEGRAM', 'VK', 'SKYPE', 'VIBER', 'BITRIX24', 'OPENLINE', 'IMOL', 'ICQ', 'MSN', 'JABBER', 'OTHER'],
};
const PAGE_SIZE = 50;
const METHOD_PATH = /^\/rest\/([^/]+)\/([^/]+)\/([A-Za-z0-9_.]+?)(?:\.json)?$/;
/** CRestUtil::BATCH_MAX_LENGTH. */
const BATCH_MAX_LENGTH = 50;
/** The operating (execution-time) limit counts per method in ten one-minute buckets (limits.md). */
const OPERATING_BUCKET_MS = 60_000;
const OPERATING_BUCKETS = 10;
/** Methods that create or update a CRM object (or a task, comment, activity bound to one). */
const WRITE_METHOD = /\.(add|update)$/;

/**
 * A Bitrix24 portal behind an incoming webhook, as the REST v2 API answers it: numeric ids from per-table
 * sequences, list rows with string values, `time` blocks, `{error, error_description}` with the real statuses.
 * It checks what Bitrix24 would reject, and a little more where that catches adapter bugs (unknown multifield
 * types, links to records that do not exist).
 *
 * Cloud limits (limits.md, reference A6):
 * - the leaky bucket per portal (`drainPerSec`, `burst`): OFF unless set, or `useCloudLimits()`; see the field;
 * - the operating limit per method (`operatingLimitSec`, 480 s in ten one-minute buckets): on, but it only bites
 *   when commands take time (`commandLatencyMs`, `latencyMs` or `operatingCostMs`).
 *
 * `batch` runs its commands one after another with the real answer shape (batch.md); see `serveBatch`.
 *
 * Time: `clock` (ms) drives the bucket, the operating buckets and the `time` blocks; a test can replace it to
 * move time on without waiting. Sleeping (latencies) always uses real timers.
 */
export class FakeBitrix24 extends FakeHttpServer implements CrmFakeView {
  /** Simple CRM mode: no leads; crm.lead.add files a lead and converts it to a deal at once, as the portal does. */
  simpleMode = false;
  /**
   * Unix seconds reported as time.operating_reset_at in every answer, instead of the computed one (by default
   * 10 minutes after the call, or when the method's oldest used one-minute bucket drops off).
   */
  operatingResetAt?: number;

  /**
   * Leaky bucket (per portal): every HTTP request (a batch is one) adds 1; the counter drains continuously at
   * `drainPerSec`; a request that would take it above `burst` is refused with 503 QUERY_LIMIT_EXCEEDED and does
   * not run. Cloud values are 2/s and 50 (Enterprise 5/s and 250): `useCloudLimits()`.
   *
   * OFF by default (`Infinity`): the suites written before the bucket existed (crm-faults, crm-outage, benches)
   * drive this fake at hundreds of calls per second, which a cloud portal would refuse.
   */
  drainPerSec = Infinity;
  burst = 50;
  /**
   * Whether a refused request still adds 1 to the counter. limits.md only says that each incoming request
   * raises the counter and that, once it is above X, "each subsequent incoming request is blocked"; whether a
   * blocked request raises it too is not documented. Default false, the classic leaky bucket (a request that
   * does not fit overflows and leaves the level as it was), so a client that backs off recovers after exactly
   * (1 / drainPerSec). true is the pessimistic reading: a client that keeps hammering stays locked out.
   */
  bucketCountsRefusals = false;
  /** HTTP requests refused by the bucket. */
  bucketRefusals = 0;

  /**
   * Per-method operating (execution-time) limit: seconds of execution per method summed over ten one-minute
   * buckets (a rolling 10 minutes). Above it, that method is refused until its oldest bucket drops off
   * (`operating_reset_at`): 429 OPERATION_TIME_LIMIT as a single call, a per-command error inside a batch.
   * Cloud value per the docs' example and b24jssdk: 480. `Infinity` disables.
   */
  operatingLimitSec = 480;
  /** Execution time charged to the operating limit per command, in ms; by default `commandLatencyMs`. */
  operatingCostMs?: number;
  /**
   * Commands inside a batch beyond 50: 'per-command' (default, as the current batch.md documents)
   * runs the first 50 and answers each extra one with a per-command ERROR_BATCH_LENGTH_EXCEEDED, HTTP 200;
   * 'reject' refuses the whole batch with HTTP 400 ERROR_BATCH_LENGTH_EXCEEDED and runs nothing.
   */
  batchOverflow: 'per-command' | 'reject' = 'per-command';
  /** The fake's clock in epoch ms. */
  clock: () => number = () => Date.now();

  private commandLatency?: number;
  private bucketLevel = 0;
  private bucketAt?: number;
  /** method → one-minute bucket index → seconds used. */
  private readonly operating = new Map<string, Map<number, number>>();
  private readonly commandFaults: Array<{
    match: (method: string, params: Params) => boolean;
    error: CommandError;
    remaining: number;
  }> = [];
  private readonly log: CommandRecord[] = [];

  private readonly tables = {
    contact: new Map<number, Row>(),
    lead: new Map<number, Row>(),
    deal: new Map<number, Row>(),
    task: new Map<number, Row>(),
    comment: new Map<number, Row>(),
  };
  private readonly sequences = { contact: 11, lead: 101, deal: 501, task: 901, comment: 2001 };
  private readonly methods: Record<string, (params: Params) => unknown> = {
    'crm.settings.mode.get': () => (this.simpleMode ? 2 : 1),
    'crm.duplicate.findbycomm': (p) => this.findByComm(p),
    'crm.contact.add': (p) => this.addContact(this.fieldsOf(p)),
    'crm.contact.list': (p) => this.list('contact', p),
    'crm.lead.add': (p) => this.addLead(this.fieldsOf(p)),
    'crm.lead.list': (p) => this.list('lead', p),
    'crm.deal.add': (p) => this.addDeal(this.fieldsOf(p)),
    'crm.deal.list': (p) => this.list('deal', p),
    'tasks.task.add': (p) => this.addTask(this.fieldsOf(p)),
    'tasks.task.list': (p) => this.listTasks(p),
    'crm.timeline.comment.add': (p) => this.addComment(p),
    'crm.timeline.comment.list': (p) => this.list('comment', p),
  };

  constructor(
    readonly userId = '1',
    readonly code = 'secretcode',
  ) {
    super();
    this.route('POST', METHOD_PATH, (request) => this.serveMethod(request));
  }

  /**
   * How long one command executes, in ms; by default `latencyMs`. A single call takes max(latencyMs,
   * commandLatencyMs); a batch takes max(latencyMs, n × commandLatencyMs) for the n commands it runs, the
   * commands taking effect one after another.
   */
  get commandLatencyMs(): number {
    return this.commandLatency ?? this.latencyMs;
  }

  set commandLatencyMs(ms: number | undefined) {
    this.commandLatency = ms;
  }

  /** The bucket at a cloud plan's values (limits.md): standard 2/s and 50, enterprise 5/s and 250. */
  useCloudLimits(plan: 'standard' | 'enterprise' = 'standard'): this {
    [this.drainPerSec, this.burst] = plan === 'enterprise' ? [5, 250] : [2, 50];
    return this;
  }

  /** Empties the bucket and forgets the operating time used (not the counters or the data). */
  resetLimits(): void {
    this.bucketLevel = 0;
    this.bucketAt = undefined;
    this.operating.clear();
  }

  /** The bucket's counter now. */
  bucketCount(): number {
    this.drain();
    return this.bucketLevel;
  }

  /** Seconds of execution `method` has used in the last ten one-minute buckets. */
  operatingUsed(method: string): number {
    return this.operatingOf(method).used;
  }

  /** The incoming-webhook URL of this portal, given the address start() returned. */
  webhookUrl(base: string): string {
    return `${base}/rest/${this.userId}/${this.code}/`;
  }

  /** HTTP requests to one REST method (a batch is a request to `batch`; see `commands` for what ran inside). */
  calls(method: string): FakeRequest[] {
    return this.requests.filter((r) => methodOf(r) === method);
  }

  /** HTTP requests received, whatever their fate (a batch is one). */
  httpCalls(): number {
    return this.requests.length;
  }

  /** Commands executed (single calls and each command inside a batch), of `method` or all. */
  commandCount(method?: string): number {
    return this.log.filter((c) => !method || c.method === method).length;
  }

  /** Executed commands that create or update something (`*.add`, `*.update`), whether they succeeded or not. */
  writeCommandCount(): number {
    return this.log.filter((c) => WRITE_METHOD.test(c.method)).length;
  }

  /** Parameters of the executed commands of `method` (or all), single calls and inside batches, in order. */
  commands(method?: string): Params[] {
    return this.commandLog(method).map((c) => c.params);
  }

  /** The executed commands with how they ran. */
  commandLog(method?: string): CommandRecord[] {
    return this.log.filter((c) => !method || c.method === method);
  }

  /** The next `times` calls (of `method`, or any) answer with a Bitrix24 system error. A batch holding `method` counts. */
  failWith(code: Bitrix24ErrorCode, times = 1, method?: string): void {
    this.failNext(bitrixError(code), times, (r) => !method || methodsIn(r).includes(method));
  }

  /**
   * The next `times` commands matching `match` (a method name or a predicate on method and parameters) fail with a
   * method error: inside a batch a `result_error` entry (HTTP 200), as a single call the error with `status`
   * (400 unless given). The command counts as executed and takes its time; it changes nothing.
   */
  failCommands(match: string | ((method: string, params: Params) => boolean), error: CommandError, times = 1): this {
    const test = typeof match === 'string' ? (method: string) => method === match : match;
    this.commandFaults.push({ match: test, error, remaining: times }); // times may be Infinity
    return this;
  }

  // CrmFakeView

  leads(): Array<{ id: string; originId: string; contactId: string | null; title: string }> {
    const open = [...this.tables.lead.values()].filter((lead) => lead.STATUS_ID !== 'CONVERTED');
    return [...open, ...this.tables.deal.values()].map((row) => ({
      id: String(row.ID),
      originId: row.ORIGIN_ID,
      contactId: row.CONTACT_ID ? String(row.CONTACT_ID) : null,
      title: row.TITLE,
    }));
  }

  contacts(): Array<{ id: string; phone: string | null; name: string | null }> {
    return [...this.tables.contact.values()].map((row) => ({
      id: String(row.ID),
      phone: row.PHONE?.[0]?.VALUE ?? null,
      name: row.NAME ?? null,
    }));
  }

  comments(crmLeadId: string): string[] {
    const entity = this.entityOf(crmLeadId);
    return [...this.tables.comment.values()]
      .filter((c) => c.ENTITY_TYPE === entity && String(c.ENTITY_ID) === crmLeadId)
      .map((c) => c.COMMENT);
  }

  tasks(crmLeadId: string): Array<{ text: string; deadline: Date }> {
    const binding = `${this.entityOf(crmLeadId) === 'lead' ? 'L' : 'D'}_${crmLeadId}`;
    return [...this.tables.task.values()]
      .filter((t) => t.ufCrmTask.includes(binding))
      .map((t) => ({ text: `${t.title}\n${t.description}`, deadline: new Date(t.deadline) }));
  }

  seedContact(phone: string, name: string): string {
    return String(this.addContact({ NAME: name, PHONE: [{ VALUE: phone, VALUE_TYPE: 'WORK' }] }));
  }

  /** As the contract asks; a batch holding a create counts as a create (its answer is what gets dropped or delayed). */
  fail(failure: CrmFailure, times = 1): void {
    const creates = (r: FakeRequest) => methodsIn(r).some((m) => ['crm.lead.add', 'crm.deal.add'].includes(m));
    switch (failure) {
      case 'rate-limited':
        return this.failWith('QUERY_LIMIT_EXCEEDED', times);
      case 'server-error':
        return this.failWith('INTERNAL_SERVER_ERROR', times);
      case 'timeout':
        return void this.failNext('hang', times);
      case 'created-then-dropped':
        return void this.failNext('drop-after', times, creates);
      case 'created-late':
        return void this.failNext({ lateMs: 1000 }, times, creates);
      case 'credentials-revoked':
        return this.failWith('INVALID_CREDENTIALS', times);
      case 'payment-required':
        return this.failWith('PAYMENT_REQUIRED', times);
      case 'blocked':
        return this.failWith('OVERLOAD_LIMIT', times);
      case 'validation':
        // A method error of the *.add command: 400 as a single call, a result_error entry inside a batch.
        return void this.failCommands(
          (method) => method.endsWith('.add'),
          { error: 'ERROR_CORE', error_description: 'The field Work e-mail contains an invalid address' },
          times,
        );
      case 'token-expired':
        throw new Error('an incoming webhook has no access token that could expire');
    }
  }

  // The wire

  /**
   * One HTTP request to the portal, after FakeHttpServer has waited `latencyMs` and applied any scripted fault
   * (a faulted request never gets here, so it does not count in the bucket nor run).
   */
  private async serveMethod(request: FakeRequest): Promise<FakeResponse> {
    if (!this.admit()) return bitrixError('QUERY_LIMIT_EXCEEDED');
    const [, user, code, method] = METHOD_PATH.exec(request.path)!;
    if (user !== this.userId || code !== this.code) return bitrixError('INVALID_CREDENTIALS');
    const params = paramsOf(request);
    if (method.toLowerCase() === 'batch') return this.serveBatch(params);
    if (!this.handlerOf(method)) return bitrixError('ERROR_METHOD_NOT_FOUND');

    const outcome = await this.runCommand(method, params, this.latencyMs, 'call');
    if (outcome.ok) return { status: 200, body: { ...outcome.answer, time: outcome.time } };
    return { status: outcome.status, body: { error: outcome.error, error_description: outcome.description } };
  }

  /**
   * `batch` as batch.md documents it (settings/how-to-call-rest-api/batch.md, b24restdocs), references resolved
   * like CRestUtil::ParseBatchQuery / processBatchElement in the rest module's rest_util.php:
   * - `cmd` is an object or an array of "method?query" strings; `halt` (any case, like `cmd`) is true for
   *   true / 1 / "1" / "true" / "Y". The query is parsed like PHP's parse_str (`fields[TITLE]=...`).
   * - Commands run in `cmd` order (JS puts integer-like keys of an object first; PHP would keep them in place).
   * - In each parameter value, `$result[key]`, `$result[key][FIELD]`, `$result[key][0][ID]` (and `$next`,
   *   `$total`, `$time`, `$error` likewise) are replaced by what the earlier command gave; a whole-value reference
   *   keeps its type (a number, an array). When the reference cannot be followed (the command failed, did not
   *   run, or has no such field) the FAKE puts an EMPTY STRING, which then fails the dependent command's own
   *   validation (e.g. "Contact is not found", OWNER_NOT_FOUND). Real Bitrix24 is undocumented here (its
   *   processBatchElement substitutes whatever it had walked to, e.g. the whole `result` map); never rely on it.
   * - A command failing (method error, ERROR_METHOD_NOT_FOUND, OPERATION_TIME_LIMIT, a nested `batch`:
   *   ERROR_BATCH_METHOD_NOT_ALLOWED, the 51st and later: ERROR_BATCH_LENGTH_EXCEEDED) is an entry in
   *   `result_error`, never an HTTP error; with halt, nothing after it runs or has an entry.
   * - The answer: `{result: {result, result_error, result_total, result_next, result_time}, time}`, HTTP 200;
   *   each map keyed by the `cmd` keys, holding only the commands it concerns (result/result_time: succeeded;
   *   result_error: failed; result_total: list methods; result_next: lists with a next page). Maps are encoded
   *   as PHP's json_encode does arrays: empty → `[]`, keys exactly 0..n-1 in order → a JSON array.
   * - The batch is one request for the bucket; `batch` itself is not charged operating time, each command is.
   */
  private async serveBatch(query: Params): Promise<FakeResponse> {
    const started = this.clock();
    const upper = Object.fromEntries(Object.entries(query).map(([k, v]) => [k.toUpperCase(), v]));
    const halt = [true, 1, '1', 'true', 'Y', 'y'].includes(upper.HALT);
    const cmd: Array<[string, unknown]> =
      upper.CMD && typeof upper.CMD === 'object' ? Object.entries(upper.CMD as Params) : [];
    if (this.batchOverflow === 'reject' && cmd.length > BATCH_MAX_LENGTH) {
      return bitrixError('ERROR_BATCH_LENGTH_EXCEEDED');
    }

    const out: Record<'result' | 'error' | 'total' | 'next' | 'time', Array<[string, unknown]>> = {
      result: [],
      error: [],
      total: [],
      next: [],
      time: [],
    };
    let credit = this.latencyMs; // the request's own latency, already waited, covers the first commands' time
    for (const [index, [key, call]] of cmd.entries()) {
      const errorsBefore = out.error.length;
      const failed = (code: Bitrix24ErrorCode): void => {
        out.error.push([key, { error: code, error_description: BITRIX24_ERRORS[code][1] }]);
      };
      if (index >= BATCH_MAX_LENGTH) {
        failed('ERROR_BATCH_LENGTH_EXCEEDED');
      } else if (typeof call !== 'string') {
        // Not a "method?query" string: the fake skips it, no entry anywhere (undocumented).
        continue;
      } else {
        const mark = call.indexOf('?');
        const method = (mark < 0 ? call : call.slice(0, mark)).trim();
        const refs = Object.fromEntries(Object.entries(out).map(([name, pairs]) => [name, Object.fromEntries(pairs)]));
        const params = substitute(phpParseStr(mark < 0 ? '' : call.slice(mark + 1)), refs) as Params;
        if (method.toLowerCase() === 'batch') {
          failed('ERROR_BATCH_METHOD_NOT_ALLOWED');
        } else if (!this.handlerOf(method)) {
          failed('ERROR_METHOD_NOT_FOUND');
        } else {
          const outcome = await this.runCommand(method, params, credit, 'batch', key);
          credit = Math.max(0, credit - (outcome.ran ? this.commandLatencyMs : 0));
          if (outcome.ok) {
            out.result.push([key, outcome.answer.result]);
            if ('total' in outcome.answer) out.total.push([key, outcome.answer.total]);
            if ('next' in outcome.answer) out.next.push([key, outcome.answer.next]);
            out.time.push([key, outcome.time]);
          } else {
            out.error.push([key, { error: outcome.error, error_description: outcome.description }]);
          }
        }
      }
      if (halt && out.error.length > errorsBefore) break;
    }

    return {
      status: 200,
      body: {
        result: {
          result: phpArray(out.result),
          result_error: phpArray(out.error),
          result_total: phpArray(out.total),
          result_next: phpArray(out.next),
          result_time: phpArray(out.time),
        },
        time: this.timeBlock('batch', started, (this.clock() - started) / 1000),
      },
    };
  }

  /**
   * Runs one command: the operating limit, its execution time (less the `credit` ms the request already
   * waited), an injected failure or the method itself; charges the time and logs it.
   */
  private async runCommand(
    method: string,
    params: Params,
    credit: number,
    via: 'call' | 'batch',
    key?: string,
  ): Promise<
    | { ok: true; ran: true; answer: Row; time: Row }
    | { ok: false; ran: boolean; status: number; error: string; description: string }
  > {
    if (this.operatingOf(method).used > this.operatingLimitSec) {
      const [status, description] = BITRIX24_ERRORS.OPERATION_TIME_LIMIT;
      return { ok: false, ran: false, status, error: 'OPERATION_TIME_LIMIT', description };
    }
    const at = this.clock();
    const wait = this.commandLatencyMs - credit;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const cost = (this.operatingCostMs ?? this.commandLatencyMs) / 1000;
    this.charge(method, cost);

    const record: CommandRecord = { method, params, via, ...(key === undefined ? {} : { key }), ok: true, at };
    this.log.push(record);
    const fault = this.commandFaults.findIndex((f) => f.match(method, params));
    let failure: { status: number; error: string; description: string };
    if (fault >= 0) {
      const { error } = this.commandFaults[fault];
      if (--this.commandFaults[fault].remaining <= 0) this.commandFaults.splice(fault, 1);
      failure = { status: error.status ?? 400, error: error.error, description: error.error_description };
    } else {
      try {
        const answer = this.answer(this.handlerOf(method)!(params), params);
        return { ok: true, ran: true, answer, time: this.timeBlock(method, at, cost) };
      } catch (error) {
        if (!(error instanceof MethodError)) throw error;
        failure = { status: error.status, error: error.code, description: error.description };
      }
    }
    record.ok = false;
    record.error = failure.error;
    return { ok: false, ran: true, ...failure };
  }

  private handlerOf(method: string): ((params: Params) => unknown) | undefined {
    return this.methods[method] ?? this.methods[method.toLowerCase()];
  }

  /** What a method's result looks like on the wire: `{result}`, or for a list one page with `next` and `total`. */
  private answer(result: unknown, params: Params): Row {
    if (!(result instanceof Page)) return { result };
    const start = Number(params.start ?? 0) || 0;
    const rows = result.rows.slice(start, start + PAGE_SIZE);
    const next = start + PAGE_SIZE < result.rows.length ? { next: start + PAGE_SIZE } : {};
    return { result: result.wrap(rows), ...next, total: result.rows.length };
  }

  /** A `time` block: the command's timing and its method's operating time (batch.md, limits.md). */
  private timeBlock(method: string, startMs: number, durationSec: number): Row {
    const date = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const { used, resetAt } = this.operatingOf(method);
    return {
      start: startMs / 1000,
      finish: startMs / 1000 + durationSec,
      duration: durationSec,
      processing: durationSec,
      date_start: date(startMs),
      date_finish: date(startMs + durationSec * 1000),
      operating_reset_at: this.operatingResetAt ?? resetAt,
      operating: used,
    };
  }

  // Limits

  /** The bucket: true when the request fits (and is counted), false when it is refused. */
  private admit(): boolean {
    if (!(this.drainPerSec < Infinity)) return true;
    this.drain();
    if (this.bucketLevel + 1 > this.burst) {
      this.bucketRefusals++;
      if (this.bucketCountsRefusals) this.bucketLevel += 1;
      return false;
    }
    this.bucketLevel += 1;
    return true;
  }

  private drain(): void {
    const now = this.clock();
    if (this.bucketAt !== undefined && this.drainPerSec < Infinity) {
      this.bucketLevel = Math.max(0, this.bucketLevel - ((now - this.bucketAt) / 1000) * this.drainPerSec);
    }
    this.bucketAt = now;
  }

  private charge(method: string, seconds: number): void {
    if (seconds <= 0) return;
    const buckets = this.operating.get(method) ?? new Map<number, number>();
    this.operating.set(method, buckets);
    const minute = Math.floor(this.clock() / OPERATING_BUCKET_MS);
    buckets.set(minute, (buckets.get(minute) ?? 0) + seconds);
  }

  /** Seconds `method` used in the live one-minute buckets, and when the oldest of them drops off (unix s). */
  private operatingOf(method: string): { used: number; resetAt: number } {
    const now = this.clock();
    const current = Math.floor(now / OPERATING_BUCKET_MS);
    const buckets = this.operating.get(method);
    let used = 0;
    let oldest: number | undefined;
    for (const [minute, seconds] of buckets ?? []) {
      if (minute <= current - OPERATING_BUCKETS) {
        buckets!.delete(minute);
        continue;
      }
      used += seconds;
      oldest = oldest === undefined ? minute : Math.min(oldest, minute);
    }
    const resetAt =
      oldest === undefined ? Math.floor(now / 1000) + 600 : ((oldest + OPERATING_BUCKETS) * OPERATING_BUCKET_MS) / 1000;
    return { used: Math.round(used * 1e6) / 1e6, resetAt };
  }

  private fieldsOf(params: Params): Row {
    const fields = params.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new MethodError('', "Parameter 'fields' must be array.");
    }
    return fields;
  }

  // Methods

  private findByComm(params: Params): unknown {
    if (!['PHONE', 'EMAIL'].includes(params.type)) throw new MethodError('', 'Communication type is not defined.');
    if (!Array.isArray(params.values) || params.values.length === 0) {
      throw new MethodError('', 'Communication values is not defined.');
    }
    if (params.values.length > 20) throw new MethodError('', 'Too many communication values.');
    const entityTypes = params.entity_type ? [String(params.entity_type)] : ['LEAD', 'CONTACT', 'COMPANY'];
    const wanted = new Set(params.values.map((v: unknown) => digits(String(v))));
    const found: Record<string, number[]> = {};
    for (const type of entityTypes) {
      const table = type === 'LEAD' ? this.tables.lead : type === 'CONTACT' ? this.tables.contact : undefined;
      const ids = [...(table?.values() ?? [])]
        .filter((row) => (row[params.type] ?? []).some((f: Row) => wanted.has(digits(f.VALUE))))
        .map((row) => row.ID);
      if (ids.length > 0) found[type] = ids;
    }
    return Object.keys(found).length > 0 ? found : [];
  }

  private addContact(fields: Row): number {
    return this.insert('contact', { NAME: null, ORIGINATOR_ID: null, ORIGIN_ID: null, ...this.multifields(fields) });
  }

  private addLead(fields: Row): number {
    this.requireContact(fields.CONTACT_ID);
    const id = this.insert('lead', {
      TITLE: 'Лид #',
      STATUS_ID: 'NEW',
      SOURCE_ID: null,
      CONTACT_ID: null,
      ORIGINATOR_ID: null,
      ORIGIN_ID: null,
      ...this.multifields(fields),
    });
    if (this.simpleMode) this.convert(this.tables.lead.get(id)!);
    return id;
  }

  /** What a portal without leads does with a new lead: marks it converted and files a deal from it. */
  private convert(lead: Row): void {
    lead.STATUS_ID = 'CONVERTED';
    const { ID, TITLE, CONTACT_ID, SOURCE_ID, COMMENTS, ASSIGNED_BY_ID } = lead;
    this.addDeal({ TITLE, CONTACT_ID, SOURCE_ID, COMMENTS, ASSIGNED_BY_ID, LEAD_ID: ID });
  }

  private addDeal(fields: Row): number {
    this.requireContact(fields.CONTACT_ID);
    return this.insert('deal', {
      TITLE: 'Сделка #',
      CATEGORY_ID: 0,
      STAGE_ID: 'NEW',
      CONTACT_ID: null,
      ORIGINATOR_ID: null,
      ORIGIN_ID: null,
      ...fields,
    });
  }

  private addTask(fields: Row): Row {
    if (!fields.TITLE) throw new MethodError('ERROR_CORE', 'Task title is required');
    if (!Number(fields.RESPONSIBLE_ID)) throw new MethodError('ERROR_CORE', 'Task responsible person is required');
    if (fields.DEADLINE !== undefined && Number.isNaN(Date.parse(fields.DEADLINE))) {
      throw new MethodError('ERROR_CORE', 'Wrong deadline format');
    }
    const bindings: string[] = fields.UF_CRM_TASK ?? [];
    for (const binding of bindings) this.requireBinding(binding);
    const id = this.sequences.task++;
    const task = {
      id: String(id),
      title: fields.TITLE,
      description: fields.DESCRIPTION ?? '',
      responsibleId: String(fields.RESPONSIBLE_ID),
      createdBy: this.userId,
      deadline: fields.DEADLINE ? new Date(fields.DEADLINE).toISOString().replace(/\.\d{3}Z$/, '+00:00') : null,
      status: '2',
      ufCrmTask: bindings,
    };
    this.tables.task.set(id, task);
    return { task };
  }

  private listTasks(params: Params): Page {
    const filter = params.filter?.UF_CRM_TASK;
    const wanted: string[] = filter === undefined ? [] : [filter].flat();
    const rows = [...this.tables.task.values()].filter(
      (t) => wanted.length === 0 || t.ufCrmTask.some((b: string) => wanted.includes(b)),
    );
    return new Page(rows, (page) => ({ tasks: page }));
  }

  private addComment(params: Params): number {
    const fields = params.fields;
    if (!fields || typeof fields !== 'object') throw new MethodError('100', "Required parameter 'fields' is missing");
    const type = String(fields.ENTITY_TYPE ?? '').toLowerCase();
    if (!['lead', 'deal', 'contact'].includes(type) || !this.tables[type as 'lead'].has(Number(fields.ENTITY_ID))) {
      throw new MethodError('OWNER_NOT_FOUND', 'Owner of the comment is not found');
    }
    if (!fields.COMMENT) throw new MethodError('INVALID_ARG_VALUE', 'Empty comment message.');
    return this.insert('comment', {
      ENTITY_ID: Number(fields.ENTITY_ID),
      ENTITY_TYPE: type,
      COMMENT: fields.COMMENT,
      AUTHOR_ID: Number(this.userId),
      CREATED: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    });
  }

  /** crm.*.list: equality filters (an optional "=" prefix), select, order by ID; values come back as strings. */
  private list(table: 'contact' | 'lead' | 'deal' | 'comment', params: Params): Page {
    const filter: Row = params.filter ?? {};
    const rows = [...this.tables[table].values()].filter((row) =>
      Object.entries(filter).every(([key, value]) => String(row[key.replace(/^=/, '')] ?? '') === String(value)),
    );
    if (String(params.order?.ID ?? 'ASC').toUpperCase() === 'DESC') rows.reverse();
    const select: string[] = Array.isArray(params.select) && params.select.length > 0 ? params.select : ['*'];
    return new Page(
      rows.map((row) => project(row, select)),
      (page) => page,
    );
  }

  // Storage

  private insert(table: 'contact' | 'lead' | 'deal' | 'comment', row: Row): number {
    const id = this.sequences[table]++;
    this.tables[table].set(id, { ...row, ID: id, DATE_CREATE: new Date().toISOString() });
    return id;
  }

  private multifields(fields: Row): Row {
    const out: Row = { ...fields };
    for (const [name, types] of Object.entries(MULTIFIELD_TYPES)) {
      if (fields[name] === undefined) continue;
      if (!Array.isArray(fields[name])) throw new MethodError('ERROR_CORE', `Field ${name} must be an array`);
      out[name] = fields[name].map((value: Row, index: number) => {
        if (!value?.VALUE || !types.includes(value.VALUE_TYPE)) {
          throw new MethodError('ERROR_CORE', `Field ${name} has an invalid value type`);
        }
        return { ID: String(index + 1), TYPE_ID: name, VALUE: String(value.VALUE), VALUE_TYPE: value.VALUE_TYPE };
      });
    }
    return out;
  }

  private requireContact(contactId: unknown): void {
    if (contactId !== undefined && contactId !== null && !this.tables.contact.has(Number(contactId))) {
      throw new MethodError('ERROR_CORE', 'Contact is not found');
    }
  }

  private requireBinding(binding: string): void {
    const match = /^(L|D|C|CO)_(\d+)$/.exec(binding);
    const table =
      match && { L: this.tables.lead, D: this.tables.deal, C: this.tables.contact, CO: undefined }[match[1]];
    if (!match || !table?.has(Number(match[2]))) throw new MethodError('ERROR_CORE', 'CRM binding is not found');
  }

  private entityOf(id: string): 'lead' | 'deal' {
    const lead = this.tables.lead.get(Number(id));
    return lead && lead.STATUS_ID !== 'CONVERTED' ? 'lead' : 'deal';
  }
}

/** A list answer: the rows, paged 50 at a time, and how one page sits in `result`. */
class Page {
  constructor(
    readonly rows: Row[],
    readonly wrap: (page: Row[]) => unknown,
  ) {}
}

function methodOf(request: FakeRequest): string {
  return METHOD_PATH.exec(request.path)?.[3] ?? '';
}

/** The REST methods a request asks for: its own, or for a batch the methods of its commands. */
export function methodsIn(request: FakeRequest): string[] {
  const method = methodOf(request);
  if (method.toLowerCase() !== 'batch') return [method];
  const params = paramsOf(request);
  const cmd = Object.entries(params).find(([key]) => key.toUpperCase() === 'CMD')?.[1];
  if (!cmd || typeof cmd !== 'object') return [];
  return Object.values(cmd as Params)
    .filter((call): call is string => typeof call === 'string')
    .map((call) => call.split('?')[0].trim());
}

/**
 * A request's parameters as the portal reads them (CRestUtil::getRequestData): the query string, overlaid by
 * the body: JSON, or form-encoded parsed like PHP's parse_str so `fields[PHONE][0][VALUE]=...` nests.
 */
function paramsOf(request: FakeRequest): Params {
  const query = phpParseStr(request.query.toString());
  const type = String(request.headers['content-type'] ?? '');
  let body: Params = {};
  if (type.includes('application/x-www-form-urlencoded')) body = phpParseStr(request.rawBody);
  else if (request.body && typeof request.body === 'object' && !Array.isArray(request.body)) body = request.body;
  return { ...query, ...body };
}

/**
 * PHP's parse_str: `a=1&b[c]=2&b[d][]=3&e[0][f]=4`; values stay strings; `.` and space in a top-level name
 * become `_`; a container whose keys are exactly 0..n-1 comes out as an array (a PHP list).
 */
export function phpParseStr(query: string): Params {
  const root: Params = {};
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = urldecode(eq < 0 ? part : part.slice(0, eq));
    const value = urldecode(eq < 0 ? '' : part.slice(eq + 1));
    const open = name.indexOf('[');
    const base = (open < 0 ? name : name.slice(0, open)).replace(/[. ]/g, '_');
    if (!base) continue;
    const path = [base];
    if (open >= 0) {
      const rest = name.slice(open);
      const segments = /^(?:\[[^\]]*\])+/.exec(rest)?.[0] ?? '';
      for (const match of segments.matchAll(/\[([^\]]*)\]/g)) path.push(match[1]);
    }
    let node: Params = root;
    for (const [depth, segment] of path.entries()) {
      let key = segment;
      if (key === '') {
        const numeric = Object.keys(node)
          .filter((k) => /^(0|[1-9]\d*)$/.test(k))
          .map(Number);
        key = String(numeric.length ? Math.max(...numeric) + 1 : 0);
      }
      if (key === '__proto__') break;
      if (depth === path.length - 1) {
        node[key] = value;
      } else {
        if (!node[key] || typeof node[key] !== 'object') node[key] = {};
        node = node[key];
      }
    }
  }
  return listify(root) as Params;
}

function listify(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, listify(v)] as const);
  const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
  return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

function urldecode(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // PHP leaves a malformed %-sequence as it is; decode the valid ones one by one.
    return plus.replace(/(?:%[0-9A-Fa-f]{2})+/g, (seq) => {
      try {
        return decodeURIComponent(seq);
      } catch {
        return seq;
      }
    });
  }
}

/** The references CRestUtil::processBatchElement resolves: `$result[...]`, `$next`, `$total`, `$time`, `$error`. */
const BATCH_REFERENCE = /\$(result|next|total|time|error)(\S*)/gi;

/** Replaces batch references in every parameter value (not in keys); see FakeBitrix24.serveBatch. */
function substitute(value: unknown, refs: Record<string, Params>): unknown {
  if (Array.isArray(value)) return value.map((v) => substitute(v, refs));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, refs)]));
  }
  if (typeof value !== 'string') return value;
  let out: unknown = value;
  for (const match of [...value.matchAll(BATCH_REFERENCE)]) {
    const path = [...match[2].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
    if (path.length === 0) continue;
    let target: unknown = refs[match[1].toLowerCase()];
    for (const key of path) {
      target = target && typeof target === 'object' ? (target as Params)[key] : undefined;
      if (target === undefined || target === null) break;
    }
    const found = target !== undefined && target !== null;
    if (match[0] === value) {
      out = found ? target : '';
    } else {
      const text = found && typeof target !== 'object' ? String(target) : '';
      out = String(out).replace(match[0], text);
    }
  }
  return out;
}

/** A keyed map as PHP's json_encode writes an array: `[]` when empty, a list when keyed 0..n-1 in order. */
function phpArray(pairs: Array<[string, unknown]>): unknown {
  if (pairs.every(([key], i) => key === String(i))) return pairs.map(([, value]) => value);
  return Object.fromEntries(pairs);
}

function digits(value: string): string {
  return value.replace(/\D/g, '');
}

function project(row: Row, select: string[]): Row {
  const keys = select.includes('*') ? Object.keys(row).filter((k) => !(k in MULTIFIELD_TYPES)) : select;
  return Object.fromEntries(keys.map((key) => [key, stringify(row[key])]));
}

function stringify(value: unknown): unknown {
  return typeof value === 'number' ? String(value) : (value ?? null);
}
