import { randomBytes } from 'node:crypto';
import type { CrmFailure, CrmFakeView } from '../../support/crm-contract';
import { FakeHttpServer, type Fault, type FakeRequest, type FakeResponse } from '../fake-http-server';

/**
 * A stateful amoCRM (API v4) account on a local port, answering with the shapes the real API uses: HAL
 * collections (`_embedded`, `_links`, `_page`), 204 with no body when a list or search finds nothing, problem+json
 * errors (400 with `validation-errors`, 401, 402, 403, 422, 429 with `retry_after`), complex adds answering
 * `[{id, contact_id, company_id, request_id, merged}]`, and an OAuth endpoint whose refresh tokens are single-use.
 *
 * Real limits:
 * - at most `ratePerSec` requests in any one-second window (amoCRM: 7, developers.kommo.com/docs/limitations),
 *   shared by every endpoint and every client of the account, the token endpoint included; over it a 429
 *   problem+json with `retry_after` (seconds, `retryAfterSec`). Only admitted requests fill the window. The
 *   default is `DEFAULT_RATE_PER_SEC` (see there). Opt-in: `blockAfter`, the 403 on every request that amoCRM gives
 *   an IP after repeated 429s;
 * - `POST /api/v4/leads/complex`: at most 50 leads a request (developers.kommo.com/reference/complex-leads), one
 *   contact and one company a lead, 40 custom field values an entity;
 * - notes and tasks: at most 250 items a request (the general cap of the limitations page; 50 is only advised).
 * A request over a cap gets 422; an invalid item fails the whole request with a 400 listing every bad item.
 *
 * What it does not model: duplicate control (`merged` is always false), pagination beyond one page, users and
 * pipelines (any numeric pipeline/status/responsible id is accepted), company custom fields.
 */

/** amoCRM's documented request rate: "not more than 7 requests per second". */
export const AMO_RATE_PER_SEC = 7;
/**
 * `ratePerSec` when the constructor is not given one. Meant to be `AMO_RATE_PER_SEC`; it stays unlimited while
 * suites written before the limit drive the adapter faster than amoCRM allows (amocrm-crm.int-spec at
 * AMOCRM_RATE_PER_SEC=50, crm-faults.int-spec at 500, `benchEnv()` at 200). Pass `ratePerSec: AMO_RATE_PER_SEC`.
 */
export const DEFAULT_RATE_PER_SEC: number = Infinity;
/** Leads per `POST /api/v4/leads/complex`. */
export const COMPLEX_MAX_LEADS = 50;
/** Entities added per request on the other batch endpoints (notes, tasks). */
export const MAX_ITEMS_PER_REQUEST = 250;
/** Custom field values per added entity. */
const MAX_FIELD_VALUES = 40;
const RATE_WINDOW_MS = 1000;

const HAL = { 'content-type': 'application/hal+json' };
const PROBLEM = { 'content-type': 'application/problem+json' };
const PHONE_ENUMS = ['WORK', 'WORKDD', 'MOB', 'FAX', 'HOME', 'OTHER'];
const NOTE_TYPES = [
  'common',
  'call_in',
  'call_out',
  'service_message',
  'extended_service_message',
  'message_cashier',
  'geolocation',
  'sms_in',
  'sms_out',
  'attachment',
];
const TASK_ENTITY_TYPES = ['leads', 'contacts', 'companies', 'customers'];
const ACCOUNT_ID = 31415926;

interface CustomFieldValue {
  field_id: number;
  field_name: string;
  field_code: string | null;
  field_type: string;
  values: Array<{ value: string; enum_id?: number; enum_code?: string }>;
}

interface ContactRecord {
  id: number;
  name: string;
  first_name: string;
  last_name: string;
  custom_fields_values: CustomFieldValue[];
  companyId: number | null;
  created_at: number;
  updated_at: number;
}

interface CompanyRecord {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
}

interface LeadRecord {
  id: number;
  name: string;
  pipeline_id: number;
  status_id: number;
  responsible_user_id: number;
  custom_fields_values: CustomFieldValue[];
  tags: Array<{ id: number; name: string }>;
  contactIds: number[];
  companyId: number | null;
  created_at: number;
  updated_at: number;
}

interface NoteRecord {
  id: number;
  entity_id: number;
  note_type: string;
  params: Record<string, unknown>;
  created_at: number;
}

interface TaskRecord {
  id: number;
  text: string;
  complete_till: number;
  entity_type: string;
  entity_id: number;
  task_type_id: number;
  responsible_user_id: number;
  is_completed: boolean;
  created_at: number;
}

export interface FakeAmoCrmOptions {
  /** Id of the lead custom field (text) that holds the integration's external id. */
  externalIdFieldId?: number;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** When set, this long-lived token is accepted as a bearer token (private integration). */
  longLivedToken?: string;
  accessTokenTtlSec?: number;
  /**
   * Requests admitted in any one-second window, all endpoints and clients together. amoCRM's is `AMO_RATE_PER_SEC`
   * (7); default `DEFAULT_RATE_PER_SEC`; `Infinity`: no limit.
   */
  ratePerSec?: number;
  /** Opt-in: block the account (403 on every request) after repeated 429s. Default: never blocks. */
  blockAfter?: BlockRule;
}

/**
 * "Repeated violations get the IP blocked with 403 on every request" (developers.kommo.com/docs/http-codes). How
 * many and for how long amoCRM does not publish; these are the fake's knobs.
 */
export interface BlockRule {
  /** This many 429s for the rate limit ... */
  refusals: number;
  /** ... within this long (default 60 s) ... */
  withinMs?: number;
  /** ... block every request for this long (default: until `unblock()`). */
  forMs?: number;
}

/** CRM objects a client created or changed, one per lead, contact, company, note or task (bulk items count one each). */
export interface WriteItems {
  leads: number;
  contacts: number;
  companies: number;
  notes: number;
  tasks: number;
}

export interface RandomFault {
  fault: Fault;
  /** Only calls this accepts get the fault (e.g. only creates for 'drop-after'). */
  match?: (request: FakeRequest) => boolean;
}

type ValidationProblem = { code: string; path: string; detail: string };

const now = () => Math.floor(Date.now() / 1000);
const token = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): FakeResponse {
  return {
    status,
    headers: PROBLEM,
    body: { title, type: `https://httpstatus.es/${status}`, status, detail, ...extra },
  };
}

function validationFailed(byRequest: Array<{ requestId: string; errors: ValidationProblem[] }>): FakeResponse {
  return problem(400, 'Bad Request', 'Request validation failed', {
    'validation-errors': byRequest.map(({ requestId, errors }) => ({ request_id: requestId, errors })),
  });
}

const isInt = (value: unknown) => Number.isInteger(value);

export class FakeAmoCrm implements CrmFakeView {
  readonly server = new FakeHttpServer();
  readonly externalIdFieldId: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly initialRefreshToken = token('def502-initial-');
  /** Seconds in the `retry_after` of the 429s: those of the rate limit and those `fail('rate-limited')` produces. */
  retryAfterSec = 2;
  /**
   * Requests admitted in any one-second (sliding) window, shared by all endpoints and clients of the account,
   * the token endpoint included: amoCRM's is `AMO_RATE_PER_SEC` (7); `Infinity` switches the limit off. May be
   * changed at any time. Requests answered by an injected fault (`fail`, `failRaw`, `failureRate`) never reach the
   * limiter.
   */
  ratePerSec: number;
  /** Opt-in: after this many 429s the account is blocked (403 on every request). Undefined: never. */
  blockAfter: BlockRule | undefined;
  /** Delay before the token endpoint answers: widens the window in which two workers race to refresh. */
  tokenLatencyMs = 0;
  /** Every answer a route gave (faults injected by FakeHttpServer are not in it). */
  readonly answers: Array<{ method: string; path: string; status: number }> = [];
  baseUrl = '';

  private randomFaultList: RandomFault[] = [];
  private readonly accessTokens = new Map<string, { expiresAtMs: number }>();
  private readonly refreshTokens = new Map<string, { spent: boolean }>();
  private longLivedToken: string | undefined;
  private revoked = false;
  private readonly accessTokenTtlSec: number;

  private readonly contactRecords = new Map<number, ContactRecord>();
  private readonly leadRecords = new Map<number, LeadRecord>();
  private readonly noteRecords = new Map<number, NoteRecord>();
  private readonly taskRecords = new Map<number, TaskRecord>();
  private readonly companyRecords = new Map<number, CompanyRecord>();
  private readonly tagIds = new Map<string, number>();
  private nextCompanyId = 12117901;
  private readonly admittedAtMs: number[] = [];
  private readonly recentRefusalsAtMs: number[] = [];
  private refusedForRate = 0;
  private refusedForBlock = 0;
  private blockedUntilMs = 0;
  private readonly written: WriteItems = { leads: 0, contacts: 0, companies: 0, notes: 0, tasks: 0 };
  private nextContactId = 12117201;
  private nextLeadId = 9774701;
  private nextNoteId = 70000001;
  private nextTaskId = 5000001;
  private nextTagId = 1252501;

  constructor(options: FakeAmoCrmOptions = {}) {
    this.externalIdFieldId = options.externalIdFieldId ?? 1278898021;
    this.clientId = options.clientId ?? 'b9a1c3e4-0000-4000-8000-000000000001';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.redirectUri = options.redirectUri ?? 'https://volna.example/amocrm/callback';
    this.longLivedToken = options.longLivedToken;
    this.accessTokenTtlSec = options.accessTokenTtlSec ?? 86400;
    this.ratePerSec = options.ratePerSec ?? DEFAULT_RATE_PER_SEC;
    this.blockAfter = options.blockAfter;
    this.refreshTokens.set(this.initialRefreshToken, { spent: false });
    this.routes();
  }

  async start(): Promise<string> {
    this.baseUrl = await this.server.start();
    return this.baseUrl;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  // ---- knobs -------------------------------------------------------------------------------------------------

  /** The next `times` API calls (of the kind the failure concerns) fail this way. */
  fail(failure: CrmFailure, times = 1): void {
    const api = (r: FakeRequest) => r.path.startsWith('/api/v4/');
    const complex = (r: FakeRequest) => r.method === 'POST' && r.path === '/api/v4/leads/complex';
    switch (failure) {
      case 'rate-limited':
        this.server.failNext(
          problem(429, 'Too Many Requests', 'Too many requests', { retry_after: this.retryAfterSec }),
          times,
          api,
        );
        return;
      case 'server-error':
        this.server.failNext(
          problem(500, 'Internal Server Error', 'Internal Server Error', { trace_id: randomBytes(8).toString('hex') }),
          times,
          api,
        );
        return;
      case 'timeout':
        this.server.failNext('hang', times, api);
        return;
      case 'created-then-dropped':
        this.server.failNext('drop-after', times, complex);
        return;
      case 'created-late':
        this.server.failNext({ lateMs: 1000 }, times, complex);
        return;
      case 'token-expired':
        this.expireAccessTokens();
        return;
      case 'credentials-revoked':
        this.revokeIntegration();
        return;
      case 'payment-required':
        this.server.failNext(problem(402, 'Payment Required', 'Account is not paid'), times, api);
        return;
      case 'blocked':
        this.server.failNext(problem(403, 'Forbidden', 'Account is blocked'), times, api);
        return;
      case 'validation':
        this.server.failNext(
          validationFailed([
            {
              requestId: '0',
              errors: [
                {
                  code: 'NotSupportedChoice',
                  path: 'custom_fields_values.0.field_id',
                  detail: 'The value you selected is not a valid choice.',
                },
              ],
            },
          ]),
          times,
          complex,
        );
        return;
    }
  }

  /** Any other fault on API calls matching `match` (e.g. a 504 with an HTML body, a 429 with only a header). */
  failRaw(
    fault: Fault,
    times = 1,
    match: (request: FakeRequest) => boolean = (r) => r.path.startsWith('/api/v4/'),
  ): void {
    this.server.failNext(fault, times, match);
  }

  /** Delay before every answer (all routes). */
  get latencyMs(): number {
    return this.server.latencyMs;
  }
  set latencyMs(ms: number) {
    this.server.latencyMs = ms;
  }

  /** Share (0..1) of API calls that get one of `randomFaults` instead of their answer (benchmarks). */
  get failureRate(): number {
    return this.server.failureRate;
  }
  set failureRate(rate: number) {
    this.server.failureRate = rate;
  }

  /**
   * Faults drawn at random for `failureRate` of the calls, each among those whose `match` accepts the call. Only
   * API calls get them: the token endpoint stays reliable, so a benchmark measures the CRM calls.
   */
  get randomFaults(): RandomFault[] {
    return this.randomFaultList;
  }
  set randomFaults(faults: RandomFault[]) {
    this.randomFaultList = faults;
    this.server.randomFaults = faults.map(({ fault, match }) => ({
      fault,
      match: (request: FakeRequest) => request.path.startsWith('/api/v4/') && (!match || match(request)),
    }));
  }

  /** 429s the rate limit gave (not those injected with `fail('rate-limited')`). */
  get rateRefusals(): number {
    return this.refusedForRate;
  }

  /** 403s given because the account was blocked by `blockAfter`. */
  get blockRefusals(): number {
    return this.refusedForBlock;
  }

  /** Whether `blockAfter` has blocked the account right now. */
  get blocked(): boolean {
    return this.blockedUntilMs > Date.now();
  }

  /** Lifts a block (as amoCRM support would) and forgets the 429s that led to it. */
  unblock(): void {
    this.blockedUntilMs = 0;
    this.recentRefusalsAtMs.length = 0;
  }

  // ---- counters ----------------------------------------------------------------------------------------------

  /** HTTP requests the fake received, every endpoint and outcome (refused, faulted, hung and dropped included). */
  httpCalls(): number {
    return this.server.requests.length;
  }

  /**
   * CRM objects created or changed by clients: every lead, new embedded contact or company, note and task, each
   * item of a bulk call counted on its own. Linking an existing contact or company by id writes nothing new. A call
   * whose answer was lost (`drop-after`) counts: it took effect. Refused and invalid calls write nothing.
   */
  writeItemCount(): number {
    const w = this.written;
    return w.leads + w.contacts + w.companies + w.notes + w.tasks;
  }

  /** `writeItemCount()` by kind. */
  writeItems(): WriteItems {
    return { ...this.written };
  }

  /** GET requests to the API the fake received (searches with `query`, filtered lists, gets by id), any outcome. */
  lookupCount(): number {
    return this.server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v4/')).length;
  }

  /** The service's environment for this fake in OAuth mode (fresh database: the seed refresh token is used once). */
  benchEnv(base: string = this.baseUrl): Record<string, string> {
    return {
      CRM_PROVIDER: 'amocrm',
      AMOCRM_BASE_URL: base,
      AMOCRM_CLIENT_ID: this.clientId,
      AMOCRM_CLIENT_SECRET: this.clientSecret,
      AMOCRM_REFRESH_TOKEN: this.initialRefreshToken,
      AMOCRM_REDIRECT_URI: this.redirectUri,
      AMOCRM_EXTERNAL_ID_FIELD_ID: String(this.externalIdFieldId),
      AMOCRM_RATE_PER_SEC: '200',
    };
  }

  /** A token pair as the authorization-code exchange would give it (the integration was just installed). */
  issueTokens(): { accessToken: string; refreshToken: string } {
    const accessToken = token('amo-access-');
    const refreshToken = token('def502-');
    this.accessTokens.set(accessToken, { expiresAtMs: Date.now() + this.accessTokenTtlSec * 1000 });
    this.refreshTokens.set(refreshToken, { spent: false });
    return { accessToken, refreshToken };
  }

  /** Every access token issued so far stops working (401) now. Refresh tokens stay valid. */
  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAtMs = 0;
  }

  /** The account admin disabled the integration: every token, access and refresh, is dead for good. */
  revokeIntegration(): void {
    this.revoked = true;
    this.longLivedToken = undefined;
  }

  /** POST /oauth2/access_token calls with grant_type=refresh_token, whatever they got. */
  refreshCalls(): FakeRequest[] {
    return this.server.requests.filter(
      (r) => r.method === 'POST' && r.path === '/oauth2/access_token' && r.body?.grant_type === 'refresh_token',
    );
  }

  /** Refresh tokens the fake issued that have not been spent yet. */
  liveRefreshTokens(): string[] {
    return this.revoked ? [] : [...this.refreshTokens].filter(([, t]) => !t.spent).map(([value]) => value);
  }

  apiCalls(method?: string, path?: RegExp): FakeRequest[] {
    return this.server.requests.filter(
      (r) => r.path.startsWith('/api/v4/') && (!method || r.method === method) && (!path || path.test(r.path)),
    );
  }

  // ---- CrmFakeView -------------------------------------------------------------------------------------------

  leads(): Array<{ id: string; originId: string; contactId: string | null; title: string }> {
    return [...this.leadRecords.values()].map((lead) => ({
      id: String(lead.id),
      originId: this.fieldValue(lead.custom_fields_values, this.externalIdFieldId) ?? '',
      contactId: lead.contactIds.length > 0 ? String(lead.contactIds[0]) : null,
      title: lead.name,
    }));
  }

  /** Tags of a lead, by name. */
  tagsOf(crmLeadId: string): string[] {
    return this.leadRecords.get(Number(crmLeadId))?.tags.map((t) => t.name) ?? [];
  }

  contacts(): Array<{ id: string; phone: string | null; name: string | null }> {
    return [...this.contactRecords.values()].map((contact) => ({
      id: String(contact.id),
      phone: contact.custom_fields_values.find((f) => f.field_code === 'PHONE')?.values[0]?.value ?? null,
      name: contact.name || null,
    }));
  }

  /** Companies, and the lead ids each is linked to. */
  companies(): Array<{ id: string; name: string; leadIds: string[] }> {
    return [...this.companyRecords.values()].map((company) => ({
      id: String(company.id),
      name: company.name,
      leadIds: [...this.leadRecords.values()].filter((l) => l.companyId === company.id).map((l) => String(l.id)),
    }));
  }

  /** The contact linked to a lead (its main one), or null. */
  contactOf(crmLeadId: string): string | null {
    const id = this.leadRecords.get(Number(crmLeadId))?.contactIds[0];
    return id === undefined ? null : String(id);
  }

  comments(crmLeadId: string): string[] {
    return [...this.noteRecords.values()]
      .filter((note) => note.entity_id === Number(crmLeadId))
      .map((note) => String(note.params.text ?? ''));
  }

  tasks(crmLeadId: string): Array<{ text: string; deadline: Date }> {
    return [...this.taskRecords.values()]
      .filter((task) => task.entity_type === 'leads' && task.entity_id === Number(crmLeadId))
      .map((task) => ({ text: task.text, deadline: new Date(task.complete_till * 1000) }));
  }

  seedContact(phone: string, name: string): string {
    const contact = this.insertContact({
      first_name: name,
      custom_fields_values: [{ field_code: 'PHONE', values: [{ value: phone, enum_code: 'MOB' }] }],
    });
    return String(contact.id);
  }

  // ---- wire ----------------------------------------------------------------------------------------------------

  private routes(): void {
    // Every route goes through the account's gate (block, then rate limit) before anything else, as at amoCRM.
    const route = (
      method: string,
      path: RegExp | string,
      handle: (r: FakeRequest) => FakeResponse | Promise<FakeResponse>,
    ) => this.server.route(method, path, (r) => this.gate(r, () => handle(r)));
    route('POST', '/oauth2/access_token', (r) => this.oauth(r));
    route('GET', '/api/v4/contacts', (r) => this.api(r, () => this.listContacts(r)));
    route('GET', /^\/api\/v4\/contacts\/\d+$/, (r) => this.api(r, () => this.getContact(r)));
    route('GET', '/api/v4/leads', (r) => this.api(r, () => this.listLeads(r)));
    route('POST', '/api/v4/leads/complex', (r) => this.api(r, () => this.addComplex(r)));
    route('POST', '/api/v4/leads/notes', (r) => this.api(r, () => this.addNotes(r, null)));
    route('GET', /^\/api\/v4\/leads\/\d+\/notes$/, (r) => this.api(r, () => this.listNotes(r)));
    route('POST', /^\/api\/v4\/leads\/\d+\/notes$/, (r) => this.api(r, () => this.addNotes(r, idIn(r.path, 3))));
    route('GET', /^\/api\/v4\/leads\/\d+$/, (r) => this.api(r, () => this.getLead(r)));
    route('GET', '/api/v4/tasks', (r) => this.api(r, () => this.listTasks(r)));
    route('POST', '/api/v4/tasks', (r) => this.api(r, () => this.addTasks(r)));
  }

  /** A blocked account answers 403 to everything; over the rate, 429; else the route runs. */
  private gate(
    request: FakeRequest,
    handle: () => FakeResponse | Promise<FakeResponse>,
  ): FakeResponse | Promise<FakeResponse> {
    const nowMs = Date.now();
    if (this.blockedUntilMs > nowMs) {
      this.refusedForBlock += 1;
      return this.record(
        request,
        problem(403, 'Forbidden', 'Access denied: too many requests, the address is blocked'),
      );
    }
    if (!this.admit(nowMs)) {
      this.refusedForRate += 1;
      this.noteRefusal(nowMs);
      return this.record(
        request,
        problem(429, 'Too Many Requests', 'Too many requests', { retry_after: this.retryAfterSec }),
      );
    }
    return handle();
  }

  /** Sliding window: admits the request if fewer than `ratePerSec` were admitted in the last second. */
  private admit(nowMs: number): boolean {
    if (!(this.ratePerSec < Infinity)) return true;
    const window = this.admittedAtMs;
    let stale = 0;
    while (stale < window.length && window[stale] <= nowMs - RATE_WINDOW_MS) stale += 1;
    window.splice(0, stale);
    if (window.length >= this.ratePerSec) return false;
    window.push(nowMs);
    return true;
  }

  private noteRefusal(nowMs: number): void {
    const rule = this.blockAfter;
    if (!rule) return;
    const recent = this.recentRefusalsAtMs;
    recent.push(nowMs);
    const since = nowMs - (rule.withinMs ?? 60_000);
    while (recent.length > 0 && recent[0] <= since) recent.shift();
    if (recent.length >= rule.refusals) {
      this.blockedUntilMs = nowMs + (rule.forMs ?? Infinity);
      recent.length = 0;
    }
  }

  private record(request: FakeRequest, response: FakeResponse): FakeResponse {
    this.answers.push({ method: request.method, path: request.path, status: response.status ?? 200 });
    return response;
  }

  private authorized(request: FakeRequest): boolean {
    if (this.revoked) return false;
    const match = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''));
    if (!match) return false;
    if (this.longLivedToken !== undefined && match[1] === this.longLivedToken) return true;
    const entry = this.accessTokens.get(match[1]);
    return !!entry && entry.expiresAtMs > Date.now();
  }

  private api(request: FakeRequest, handle: () => FakeResponse): FakeResponse {
    if (!this.authorized(request)) {
      return this.record(request, problem(401, 'Unauthorized', 'Unauthorized'));
    }
    return this.record(request, handle());
  }

  private async oauth(request: FakeRequest): Promise<FakeResponse> {
    if (this.tokenLatencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.tokenLatencyMs));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const oauthProblem = (status: number, hint: string) => ({
      status,
      headers: PROBLEM,
      body: {
        hint,
        title: 'Некорректный запрос',
        type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
        status,
        detail: 'В запросе отсутствует ряд параметров или параметры невалидны',
      },
    });
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      return this.record(request, oauthProblem(401, 'Client authentication failed'));
    }
    if (body.redirect_uri !== this.redirectUri) {
      return this.record(request, oauthProblem(400, 'Redirect URI mismatch'));
    }
    if (body.grant_type !== 'refresh_token') {
      return this.record(request, oauthProblem(400, 'Unsupported grant type'));
    }
    const presented = this.refreshTokens.get(String(body.refresh_token ?? ''));
    if (this.revoked || !presented || presented.spent) {
      // What amoCRM answers for a refresh token used twice (amocrm-api-php #123, #269).
      return this.record(request, oauthProblem(401, 'Token has been revoked'));
    }
    presented.spent = true;
    const access = token('amo-access-');
    const refresh = token('def502-');
    this.accessTokens.set(access, { expiresAtMs: Date.now() + this.accessTokenTtlSec * 1000 });
    this.refreshTokens.set(refresh, { spent: false });
    return this.record(request, {
      status: 200,
      body: { token_type: 'Bearer', expires_in: this.accessTokenTtlSec, access_token: access, refresh_token: refresh },
    });
  }

  // ---- contacts ------------------------------------------------------------------------------------------------

  private contactView(contact: ContactRecord, withLeads: boolean): Record<string, unknown> {
    const embedded: Record<string, unknown> = {
      tags: [],
      companies: contact.companyId === null ? [] : [this.companyLink(contact.companyId)],
    };
    if (withLeads) {
      embedded.leads = [...this.leadRecords.values()]
        .filter((lead) => lead.contactIds.includes(contact.id))
        .map((lead) => ({ id: lead.id, _links: { self: { href: `${this.baseUrl}/api/v4/leads/${lead.id}` } } }));
    }
    return {
      id: contact.id,
      name: contact.name,
      first_name: contact.first_name,
      last_name: contact.last_name,
      responsible_user_id: 9000001,
      group_id: 0,
      created_by: 0,
      updated_by: 0,
      created_at: contact.created_at,
      updated_at: contact.updated_at,
      closest_task_at: null,
      is_deleted: false,
      is_unsorted: false,
      custom_fields_values: contact.custom_fields_values.length > 0 ? contact.custom_fields_values : null,
      account_id: ACCOUNT_ID,
      _links: { self: { href: `${this.baseUrl}/api/v4/contacts/${contact.id}` } },
      _embedded: embedded,
    };
  }

  /**
   * `query` is one string (or number) per request: a PHP-style array (`query[]=a&query[]=b`) is refused with a 400,
   * a repeated `query` counts once (the last, as PHP reads it), and a comma is only a character ("9131,9132"
   * matches nothing). Several phones take several requests.
   */
  private searchQuery(request: FakeRequest): { query: string | null } | { refused: FakeResponse } {
    if ([...request.query.keys()].some((key) => key.startsWith('query['))) {
      return {
        refused: validationFailed([
          {
            requestId: '0',
            errors: [{ code: 'InvalidType', path: 'query', detail: 'This value should be of type string.' }],
          },
        ]),
      };
    }
    const all = request.query.getAll('query');
    return { query: all.length > 0 ? all[all.length - 1] : null };
  }

  private listContacts(request: FakeRequest): FakeResponse {
    const search = this.searchQuery(request);
    if ('refused' in search) return search.refused;
    const query = search.query;
    const withLeads = (request.query.get('with') ?? '').split(',').includes('leads');
    const limit = Math.min(250, Number(request.query.get('limit') ?? 50) || 50);
    const found = [...this.contactRecords.values()]
      .filter((contact) =>
        query === null
          ? true
          : matches(query, [contact.name, contact.first_name, contact.last_name], contact.custom_fields_values),
      )
      .slice(0, limit);
    return this.listAnswer(
      request,
      limit,
      'contacts',
      found.map((c) => this.contactView(c, withLeads)),
    );
  }

  private getContact(request: FakeRequest): FakeResponse {
    const contact = this.contactRecords.get(idIn(request.path, 3));
    if (!contact) return { status: 204 };
    const withLeads = (request.query.get('with') ?? '').split(',').includes('leads');
    return { status: 200, headers: HAL, body: this.contactView(contact, withLeads) };
  }

  private insertContact(input: {
    name?: unknown;
    first_name?: unknown;
    last_name?: unknown;
    custom_fields_values?: unknown;
  }): ContactRecord {
    const first = typeof input.first_name === 'string' ? input.first_name : '';
    const last = typeof input.last_name === 'string' ? input.last_name : '';
    const name = typeof input.name === 'string' ? input.name : [first, last].filter(Boolean).join(' ');
    const contact: ContactRecord = {
      id: this.nextContactId++,
      name,
      first_name: first,
      last_name: last,
      custom_fields_values: ((input.custom_fields_values as Array<Record<string, any>> | undefined) ?? []).map((f) => ({
        field_id: f.field_code === 'PHONE' ? 1000001 : Number(f.field_id),
        field_name: f.field_code === 'PHONE' ? 'Телефон' : 'Поле',
        field_code: f.field_code ?? null,
        field_type: f.field_code === 'PHONE' ? 'multitext' : 'text',
        values: (f.values as Array<Record<string, any>>).map((v) => ({
          value: String(v.value),
          ...(v.enum_code
            ? { enum_code: String(v.enum_code), enum_id: 2000001 + PHONE_ENUMS.indexOf(v.enum_code) }
            : {}),
        })),
      })),
      companyId: null,
      created_at: now(),
      updated_at: now(),
    };
    this.contactRecords.set(contact.id, contact);
    return contact;
  }

  private companyLink(id: number): Record<string, unknown> {
    return { id, _links: { self: { href: `${this.baseUrl}/api/v4/companies/${id}` } } };
  }

  private companyProblems(company: Record<string, any>, path: string): ValidationProblem[] {
    if (company?.id !== undefined) {
      return this.companyRecords.has(Number(company.id))
        ? []
        : [{ code: 'NotFound', path: `${path}.id`, detail: 'Company not found' }];
    }
    if (typeof company?.name !== 'string' || company.name === '') {
      return [{ code: 'NotBlank', path: `${path}.name`, detail: 'This value should not be blank.' }];
    }
    if (company.custom_fields_values !== undefined) {
      return [{ code: 'NotSupportedChoice', path: `${path}.custom_fields_values`, detail: 'Unknown field.' }];
    }
    return [];
  }

  private contactProblems(contact: Record<string, any>, path: string): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (contact.id !== undefined) {
      if (!this.contactRecords.has(Number(contact.id))) {
        problems.push({ code: 'NotFound', path: `${path}.id`, detail: 'Contact not found' });
      }
      return problems;
    }
    for (const key of ['name', 'first_name', 'last_name']) {
      if (contact[key] !== undefined && typeof contact[key] !== 'string') {
        problems.push({ code: 'InvalidType', path: `${path}.${key}`, detail: 'This value should be of type string.' });
      }
    }
    const fields = contact.custom_fields_values;
    if (fields !== undefined && (!Array.isArray(fields) || fields.length > MAX_FIELD_VALUES)) {
      problems.push({
        code: 'InvalidType',
        path: `${path}.custom_fields_values`,
        detail: `This value should be an array of at most ${MAX_FIELD_VALUES} values.`,
      });
      return problems;
    }
    (fields ?? []).forEach((field: Record<string, any>, i: number) => {
      const at = `${path}.custom_fields_values.${i}`;
      if (field.field_code !== 'PHONE' && field.field_code !== 'EMAIL') {
        problems.push({ code: 'NotSupportedChoice', path: `${at}.field_code`, detail: 'Unknown field.' });
        return;
      }
      if (!Array.isArray(field.values) || field.values.length === 0) {
        problems.push({ code: 'NotBlank', path: `${at}.values`, detail: 'This value should not be blank.' });
        return;
      }
      field.values.forEach((value: Record<string, any>, j: number) => {
        if (typeof value.value !== 'string' || value.value === '') {
          problems.push({
            code: 'NotBlank',
            path: `${at}.values.${j}.value`,
            detail: 'This value should not be blank.',
          });
        }
        if (field.field_code === 'PHONE' && value.enum_code !== undefined && !PHONE_ENUMS.includes(value.enum_code)) {
          problems.push({
            code: 'NotSupportedChoice',
            path: `${at}.values.${j}.enum_code`,
            detail: 'The value you selected is not a valid choice.',
          });
        }
      });
    });
    return problems;
  }

  // ---- leads ---------------------------------------------------------------------------------------------------

  private leadView(lead: LeadRecord, withContacts: boolean): Record<string, unknown> {
    const embedded: Record<string, unknown> = {
      tags: lead.tags.map((t) => ({ id: t.id, name: t.name, color: null })),
      companies: lead.companyId === null ? [] : [this.companyLink(lead.companyId)],
    };
    if (withContacts) {
      embedded.contacts = lead.contactIds.map((id, i) => ({
        id,
        is_main: i === 0,
        _links: { self: { href: `${this.baseUrl}/api/v4/contacts/${id}` } },
      }));
    }
    return {
      id: lead.id,
      name: lead.name,
      price: 0,
      responsible_user_id: lead.responsible_user_id,
      group_id: 0,
      status_id: lead.status_id,
      pipeline_id: lead.pipeline_id,
      loss_reason_id: null,
      created_by: 0,
      updated_by: 0,
      created_at: lead.created_at,
      updated_at: lead.updated_at,
      closed_at: null,
      closest_task_at: null,
      is_deleted: false,
      custom_fields_values: lead.custom_fields_values.length > 0 ? lead.custom_fields_values : null,
      score: null,
      account_id: ACCOUNT_ID,
      labor_cost: null,
      _links: { self: { href: `${this.baseUrl}/api/v4/leads/${lead.id}` } },
      _embedded: embedded,
    };
  }

  private listLeads(request: FakeRequest): FakeResponse {
    const search = this.searchQuery(request);
    if ('refused' in search) return search.refused;
    const query = search.query;
    const withContacts = (request.query.get('with') ?? '').split(',').includes('contacts');
    const limit = Math.min(250, Number(request.query.get('limit') ?? 50) || 50);
    const found = [...this.leadRecords.values()]
      .filter((lead) =>
        query === null ? true : String(lead.id) === query || matches(query, [lead.name], lead.custom_fields_values),
      )
      .slice(0, limit);
    return this.listAnswer(
      request,
      limit,
      'leads',
      found.map((lead) => this.leadView(lead, withContacts)),
    );
  }

  /** A page of a list as API v4 answers it; 204 with no body when nothing matched. */
  private listAnswer(request: FakeRequest, limit: number, key: string, items: unknown[]): FakeResponse {
    if (items.length === 0) return { status: 204 };
    return {
      status: 200,
      headers: HAL,
      body: {
        _page: 1,
        _links: { self: { href: `${this.baseUrl}${request.path}?page=1&limit=${limit}` } },
        _embedded: { [key]: items },
      },
    };
  }

  private getLead(request: FakeRequest): FakeResponse {
    const lead = this.leadRecords.get(idIn(request.path, 3));
    if (!lead) return { status: 204 };
    const withContacts = (request.query.get('with') ?? '').split(',').includes('contacts');
    return { status: 200, headers: HAL, body: this.leadView(lead, withContacts) };
  }

  private leadProblems(item: Record<string, any>): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (item.name !== undefined && (typeof item.name !== 'string' || item.name.length > 255)) {
      problems.push({ code: 'InvalidType', path: 'name', detail: 'This value should be a string of at most 255.' });
    }
    for (const key of ['pipeline_id', 'status_id', 'responsible_user_id', 'price']) {
      if (item[key] !== undefined && !isInt(item[key])) {
        problems.push({ code: 'InvalidType', path: key, detail: 'This value should be of type int.' });
      }
    }
    const fields = item.custom_fields_values;
    if (fields !== undefined) {
      if (!Array.isArray(fields) || fields.length > MAX_FIELD_VALUES) {
        problems.push({
          code: 'InvalidType',
          path: 'custom_fields_values',
          detail: `This value should be an array of at most ${MAX_FIELD_VALUES} values.`,
        });
      } else {
        fields.forEach((field: Record<string, any>, i: number) => {
          if (field.field_id !== this.externalIdFieldId) {
            problems.push({
              code: 'NotSupportedChoice',
              path: `custom_fields_values.${i}.field_id`,
              detail: 'The value you selected is not a valid choice.',
            });
          } else if (
            !Array.isArray(field.values) ||
            field.values.length !== 1 ||
            typeof field.values[0]?.value !== 'string'
          ) {
            problems.push({
              code: 'InvalidType',
              path: `custom_fields_values.${i}.values`,
              detail: 'One text value expected.',
            });
          }
        });
      }
    }
    const embedded = item._embedded ?? {};
    if (embedded.tags !== undefined) {
      if (!Array.isArray(embedded.tags)) {
        problems.push({ code: 'InvalidType', path: '_embedded.tags', detail: 'This value should be of type array.' });
      } else {
        embedded.tags.forEach((tag: Record<string, any>, i: number) => {
          if (typeof tag?.name === 'string' && tag.name !== '') return;
          if (isInt(tag?.id)) {
            if (![...this.tagIds.values()].includes(tag.id)) {
              problems.push({ code: 'NotFound', path: `_embedded.tags.${i}.id`, detail: 'Tag not found' });
            }
            return;
          }
          problems.push({
            code: 'NotBlank',
            path: `_embedded.tags.${i}.name`,
            detail: 'This value should not be blank.',
          });
        });
      }
    }
    for (const kind of ['contacts', 'companies'] as const) {
      const list = embedded[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length > 1) {
        problems.push({ code: 'TooMany', path: `_embedded.${kind}`, detail: `At most one of ${kind} per lead.` });
      } else if (list[0]) {
        problems.push(
          ...(kind === 'contacts'
            ? this.contactProblems(list[0], '_embedded.contacts.0')
            : this.companyProblems(list[0], '_embedded.companies.0')),
        );
      }
    }
    return problems;
  }

  /**
   * `POST /api/v4/leads/complex`: up to 50 leads, each with at most one contact and one company, new (created) or
   * existing (`{id}`, linked). Validation first, for every item; one bad item fails the whole request (400, every bad
   * item listed by its `request_id`, else its index) and nothing is written. Then all of it is written at once, so a
   * fault that loses the answer (`drop-after`) leaves every lead, contact and company in place.
   */
  private addComplex(request: FakeRequest): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
    if (items.length > COMPLEX_MAX_LEADS) {
      return problem(422, 'Unprocessable Entity', `At most ${COMPLEX_MAX_LEADS} leads per request`);
    }
    const invalid = items
      .map((item: Record<string, any>, i: number) => ({
        requestId: String(item?.request_id ?? i),
        errors:
          item !== null && typeof item === 'object' && !Array.isArray(item)
            ? this.leadProblems(item)
            : [{ code: 'InvalidType', path: '', detail: 'This value should be of type object.' }],
      }))
      .filter((entry) => entry.errors.length > 0);
    if (invalid.length > 0) return validationFailed(invalid);

    const results = items.map((item: Record<string, any>, i: number) => {
      const embedded = item._embedded ?? {};
      const contactInput = embedded.contacts?.[0];
      const companyInput = embedded.companies?.[0];
      let contact: ContactRecord | null = null;
      if (contactInput?.id !== undefined) contact = this.contactRecords.get(Number(contactInput.id)) ?? null;
      else if (contactInput) {
        contact = this.insertContact(contactInput);
        this.written.contacts += 1;
      }
      let companyId: number | null = null;
      if (companyInput?.id !== undefined) companyId = Number(companyInput.id);
      else if (companyInput) {
        companyId = this.insertCompany(String(companyInput.name)).id;
        this.written.companies += 1;
        // "When you create a new contact and company, they will be linked together."
        if (contact && contactInput?.id === undefined) contact.companyId = companyId;
      }
      const lead: LeadRecord = {
        id: this.nextLeadId++,
        name: typeof item.name === 'string' ? item.name : `Сделка #${this.nextLeadId - 1}`,
        pipeline_id: item.pipeline_id ?? 1113,
        status_id: item.status_id ?? 2030,
        responsible_user_id: item.responsible_user_id ?? 9000001,
        custom_fields_values: ((item.custom_fields_values as Array<Record<string, any>> | undefined) ?? []).map(
          (f) => ({
            field_id: f.field_id,
            field_name: 'Volna ID',
            field_code: null,
            field_type: 'text',
            values: [{ value: String(f.values[0].value) }],
          }),
        ),
        tags: ((embedded.tags as Array<Record<string, any>> | undefined) ?? []).map((t) =>
          typeof t.name === 'string' && t.name !== '' ? this.tag(t.name) : this.tagById(t.id),
        ),
        contactIds: contact === null ? [] : [contact.id],
        companyId,
        created_at: now(),
        updated_at: now(),
      };
      this.leadRecords.set(lead.id, lead);
      this.written.leads += 1;
      const requestId = item.request_id !== undefined ? String(item.request_id) : String(i);
      return {
        id: lead.id,
        contact_id: contact?.id ?? null,
        company_id: companyId,
        request_id: [requestId],
        merged: false,
      };
    });
    return { status: 200, headers: HAL, body: results };
  }

  private insertCompany(name: string): CompanyRecord {
    const company: CompanyRecord = { id: this.nextCompanyId++, name, created_at: now(), updated_at: now() };
    this.companyRecords.set(company.id, company);
    return company;
  }

  private tagById(id: number): { id: number; name: string } {
    const name = [...this.tagIds].find(([, tagId]) => tagId === id)?.[0] ?? String(id);
    return { id, name };
  }

  private tag(name: string): { id: number; name: string } {
    let id = this.tagIds.get(name);
    if (id === undefined) {
      id = this.nextTagId++;
      this.tagIds.set(name, id);
    }
    return { id, name };
  }

  // ---- notes ---------------------------------------------------------------------------------------------------

  /**
   * `POST /api/v4/leads/notes` (each item names its lead in `entity_id`, any number of leads per call) or
   * `POST /api/v4/leads/{id}/notes` (all on that lead). Up to 250 items; all valid or none written.
   */
  private addNotes(request: FakeRequest, pathLeadId: number | null): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
    if (items.length > MAX_ITEMS_PER_REQUEST) {
      return problem(422, 'Unprocessable Entity', `At most ${MAX_ITEMS_PER_REQUEST} entities per request`);
    }
    const invalid: Array<{ requestId: string; errors: ValidationProblem[] }> = [];
    items.forEach((item: Record<string, any>, i: number) => {
      const errors: ValidationProblem[] = [];
      const entityId = pathLeadId ?? item?.entity_id;
      if (!isInt(entityId) || !this.leadRecords.has(entityId)) {
        errors.push({ code: 'NotFound', path: 'entity_id', detail: 'Entity not found' });
      }
      if (!NOTE_TYPES.includes(item?.note_type)) {
        errors.push({
          code: 'NotSupportedChoice',
          path: 'note_type',
          detail: 'The value you selected is not a valid choice.',
        });
      } else if (item.note_type === 'common' && (typeof item.params?.text !== 'string' || item.params.text === '')) {
        errors.push({ code: 'NotBlank', path: 'params.text', detail: 'This value should not be blank.' });
      }
      if (errors.length > 0) invalid.push({ requestId: String(item?.request_id ?? i), errors });
    });
    if (invalid.length > 0) return validationFailed(invalid);
    const created = items.map((item: Record<string, any>, i: number) => {
      const note: NoteRecord = {
        id: this.nextNoteId++,
        entity_id: pathLeadId ?? item.entity_id,
        note_type: item.note_type,
        params: item.params ?? {},
        created_at: now(),
      };
      this.noteRecords.set(note.id, note);
      this.written.notes += 1;
      return {
        id: note.id,
        entity_id: note.entity_id,
        request_id: String(item.request_id ?? i),
        _links: { self: { href: `${this.baseUrl}/api/v4/leads/${note.entity_id}/notes/${note.id}` } },
      };
    });
    return {
      status: 200,
      headers: HAL,
      body: { _links: { self: { href: `${this.baseUrl}${request.path}` } }, _embedded: { notes: created } },
    };
  }

  private listNotes(request: FakeRequest): FakeResponse {
    const leadId = idIn(request.path, 3);
    const type = request.query.get('filter[note_type]') ?? request.query.get('filter[note_type][]');
    const found = [...this.noteRecords.values()].filter(
      (note) => note.entity_id === leadId && (!type || note.note_type === type),
    );
    if (found.length === 0) return { status: 204 };
    return {
      status: 200,
      headers: HAL,
      body: {
        _page: 1,
        _links: { self: { href: `${this.baseUrl}${request.path}` } },
        _embedded: {
          notes: found.map((note) => ({
            id: note.id,
            entity_id: note.entity_id,
            created_by: 0,
            updated_by: 0,
            created_at: note.created_at,
            updated_at: note.created_at,
            responsible_user_id: 9000001,
            group_id: 0,
            note_type: note.note_type,
            params: note.params,
            account_id: ACCOUNT_ID,
            _links: { self: { href: `${this.baseUrl}/api/v4/leads/${note.entity_id}/notes/${note.id}` } },
          })),
        },
      },
    };
  }

  // ---- tasks ---------------------------------------------------------------------------------------------------

  /** `POST /api/v4/tasks`: up to 250 tasks, each on its own entity; all valid or none written. */
  private addTasks(request: FakeRequest): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
    if (items.length > MAX_ITEMS_PER_REQUEST) {
      return problem(422, 'Unprocessable Entity', `At most ${MAX_ITEMS_PER_REQUEST} entities per request`);
    }
    const invalid: Array<{ requestId: string; errors: ValidationProblem[] }> = [];
    items.forEach((item: Record<string, any>, i: number) => {
      const errors: ValidationProblem[] = [];
      if (typeof item?.text !== 'string' || item.text === '') {
        errors.push({ code: 'NotBlank', path: 'text', detail: 'This value should not be blank.' });
      }
      if (!isInt(item?.complete_till)) {
        errors.push({ code: 'InvalidType', path: 'complete_till', detail: 'This value should be of type int.' });
      }
      if (item?.entity_type !== undefined || item?.entity_id !== undefined) {
        if (!TASK_ENTITY_TYPES.includes(item.entity_type)) {
          errors.push({
            code: 'NotSupportedChoice',
            path: 'entity_type',
            detail: 'The value you selected is not a valid choice.',
          });
        } else if (!this.entityExists(item.entity_type, item.entity_id)) {
          errors.push({ code: 'NotFound', path: 'entity_id', detail: 'Entity not found' });
        }
      }
      for (const key of ['task_type_id', 'responsible_user_id', 'duration']) {
        if (item?.[key] !== undefined && !isInt(item[key])) {
          errors.push({ code: 'InvalidType', path: key, detail: 'This value should be of type int.' });
        }
      }
      if (errors.length > 0) invalid.push({ requestId: String(item?.request_id ?? i), errors });
    });
    if (invalid.length > 0) return validationFailed(invalid);
    const created = items.map((item: Record<string, any>, i: number) => {
      const task: TaskRecord = {
        id: this.nextTaskId++,
        text: item.text,
        complete_till: item.complete_till,
        entity_type: item.entity_type ?? 'leads',
        entity_id: item.entity_id,
        task_type_id: item.task_type_id ?? 1,
        responsible_user_id: item.responsible_user_id ?? 9000001,
        is_completed: false,
        created_at: now(),
      };
      this.taskRecords.set(task.id, task);
      this.written.tasks += 1;
      return {
        id: task.id,
        request_id: String(item.request_id ?? i),
        _links: { self: { href: `${this.baseUrl}/api/v4/tasks/${task.id}` } },
      };
    });
    return {
      status: 200,
      headers: HAL,
      body: { _links: { self: { href: `${this.baseUrl}/api/v4/tasks` } }, _embedded: { tasks: created } },
    };
  }

  private listTasks(request: FakeRequest): FakeResponse {
    const type = request.query.get('filter[entity_type]');
    const ids = [...request.query.getAll('filter[entity_id]'), ...request.query.getAll('filter[entity_id][]')].map(
      Number,
    );
    const completed = request.query.get('filter[is_completed]');
    const found = [...this.taskRecords.values()].filter(
      (task) =>
        (!type || task.entity_type === type) &&
        (ids.length === 0 || ids.includes(task.entity_id)) &&
        (completed === null || task.is_completed === (completed === '1')),
    );
    if (found.length === 0) return { status: 204 };
    return {
      status: 200,
      headers: HAL,
      body: {
        _page: 1,
        _links: { self: { href: `${this.baseUrl}${request.path}` } },
        _embedded: {
          tasks: found.map((task) => ({
            id: task.id,
            created_by: 0,
            updated_by: 0,
            created_at: task.created_at,
            updated_at: task.created_at,
            responsible_user_id: task.responsible_user_id,
            group_id: 0,
            entity_id: task.entity_id,
            entity_type: task.entity_type,
            duration: 0,
            is_completed: task.is_completed,
            task_type_id: task.task_type_id,
            text: task.text,
            result: [],
            complete_till: task.complete_till,
            account_id: ACCOUNT_ID,
            _links: { self: { href: `${this.baseUrl}/api/v4/tasks/${task.id}` } },
          })),
        },
      },
    };
  }

  /** Customers are not modelled: any integer id of one is taken. */
  private entityExists(type: string, id: unknown): boolean {
    if (!isInt(id)) return false;
    const records: Record<string, Map<number, unknown> | null> = {
      leads: this.leadRecords,
      contacts: this.contactRecords,
      companies: this.companyRecords,
      customers: null,
    };
    return records[type] === null || !!records[type]?.has(id as number);
  }

  private fieldValue(fields: CustomFieldValue[], fieldId: number): string | null {
    return fields.find((f) => f.field_id === fieldId)?.values[0]?.value ?? null;
  }
}

/** The numeric path segment at `index` ("/api/v4/leads/17/notes", 3 → 17). */
function idIn(path: string, index: number): number {
  return Number(path.split('/').filter(Boolean)[index]);
}

/**
 * amoCRM's `query`: a text search over the filled fields. A hit when a name or field value contains the query
 * (case-insensitive), or, for a query of digits, when a value's digits contain them ("+7 (913) 100-00-01"
 * is found by 9131000001).
 */
function matches(query: string, names: string[], fields: CustomFieldValue[]): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return false;
  const digits = /^[\d\s()+-]+$/.test(q) ? q.replace(/\D/g, '') : '';
  const values = [...names, ...fields.flatMap((f) => f.values.map((v) => v.value))].filter(Boolean);
  return values.some((value) => {
    const text = String(value).toLowerCase();
    if (text.includes(q)) return true;
    return digits.length >= 5 && text.replace(/\D/g, '').includes(digits);
  });
}
