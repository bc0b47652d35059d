import { randomBytes } from 'node:crypto';
import type { CrmFailure, CrmFakeView } from '../../support/crm-contract';
import { FakeHttpServer, type Fault, type FakeRequest, type FakeResponse } from '../fake-http-server';

/**
 * A stateful amoCRM (API v4) account on a local port, answering with the shapes the real API uses: HAL
 * collections (`_embedded`, `_links`, `_page`), 204 with no body when a list or search finds nothing, problem+json
 * errors (400 with `validation-errors`, 401, 402, 403, 429 with `retry_after`), complex adds answering
 * `[{id, contact_id, company_id, request_id, merged}]`, and an OAuth endpoint whose refresh tokens are single-use.
 *
 * What it does not model: duplicate control (`merged` is always false), companies, pagination beyond one page,
 * users and pipelines (any numeric pipeline/status/responsible id is accepted).
 */

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
  /** Seconds in the `retry_after` of the 429s `fail('rate-limited')` produces. */
  retryAfterSec = 2;
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
  private readonly tagIds = new Map<string, number>();
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
    const s = this.server;
    s.route('POST', '/oauth2/access_token', (r) => this.oauth(r));
    s.route('GET', '/api/v4/contacts', (r) => this.api(r, () => this.listContacts(r)));
    s.route('GET', /^\/api\/v4\/contacts\/\d+$/, (r) => this.api(r, () => this.getContact(r)));
    s.route('GET', '/api/v4/leads', (r) => this.api(r, () => this.listLeads(r)));
    s.route('POST', '/api/v4/leads/complex', (r) => this.api(r, () => this.addComplex(r)));
    s.route('POST', '/api/v4/leads/notes', (r) => this.api(r, () => this.addNotes(r, null)));
    s.route('GET', /^\/api\/v4\/leads\/\d+\/notes$/, (r) => this.api(r, () => this.listNotes(r)));
    s.route('POST', /^\/api\/v4\/leads\/\d+\/notes$/, (r) => this.api(r, () => this.addNotes(r, idIn(r.path, 3))));
    s.route('GET', /^\/api\/v4\/leads\/\d+$/, (r) => this.api(r, () => this.getLead(r)));
    s.route('GET', '/api/v4/tasks', (r) => this.api(r, () => this.listTasks(r)));
    s.route('POST', '/api/v4/tasks', (r) => this.api(r, () => this.addTasks(r)));
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
    const embedded: Record<string, unknown> = { tags: [], companies: [] };
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

  private listContacts(request: FakeRequest): FakeResponse {
    const query = request.query.get('query');
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
      created_at: now(),
      updated_at: now(),
    };
    this.contactRecords.set(contact.id, contact);
    return contact;
  }

  private contactProblems(contact: Record<string, any>, path: string): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    if (contact.id !== undefined) {
      if (!this.contactRecords.has(Number(contact.id))) {
        problems.push({ code: 'NotFound', path: `${path}.id`, detail: 'Contact not found' });
      }
      return problems;
    }
    const fields = contact.custom_fields_values;
    if (fields !== undefined && !Array.isArray(fields)) {
      problems.push({
        code: 'InvalidType',
        path: `${path}.custom_fields_values`,
        detail: 'This value should be of type array.',
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
      companies: [],
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
    const query = request.query.get('query');
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
      if (!Array.isArray(fields) || fields.length > 40) {
        problems.push({ code: 'InvalidType', path: 'custom_fields_values', detail: 'At most 40 values.' });
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
          if (typeof tag?.name !== 'string' && !isInt(tag?.id)) {
            problems.push({
              code: 'NotBlank',
              path: `_embedded.tags.${i}.name`,
              detail: 'This value should not be blank.',
            });
          }
        });
      }
    }
    if (embedded.contacts !== undefined) {
      if (!Array.isArray(embedded.contacts) || embedded.contacts.length > 1) {
        problems.push({ code: 'TooMany', path: '_embedded.contacts', detail: 'At most one contact per lead.' });
      } else if (embedded.contacts[0]) {
        problems.push(...this.contactProblems(embedded.contacts[0], '_embedded.contacts.0'));
      }
    }
    return problems;
  }

  private addComplex(request: FakeRequest): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
    if (items.length > 50) return problem(422, 'Unprocessable Entity', 'At most 50 leads per request');
    const invalid = items
      .map((item: Record<string, any>, i: number) => ({
        requestId: String(item?.request_id ?? i),
        errors: this.leadProblems(item ?? {}),
      }))
      .filter((entry) => entry.errors.length > 0);
    if (invalid.length > 0) return validationFailed(invalid);

    const results = items.map((item: Record<string, any>, i: number) => {
      const embedded = item._embedded ?? {};
      const contactInput = embedded.contacts?.[0];
      let contactId: number | null = null;
      if (contactInput?.id !== undefined) contactId = Number(contactInput.id);
      else if (contactInput) contactId = this.insertContact(contactInput).id;
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
        tags: ((embedded.tags as Array<Record<string, any>> | undefined) ?? []).map((t) => this.tag(String(t.name))),
        contactIds: contactId === null ? [] : [contactId],
        created_at: now(),
        updated_at: now(),
      };
      this.leadRecords.set(lead.id, lead);
      const requestId = item.request_id !== undefined ? String(item.request_id) : String(i);
      return { id: lead.id, contact_id: contactId, company_id: null, request_id: [requestId], merged: false };
    });
    return { status: 200, headers: HAL, body: results };
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

  private addNotes(request: FakeRequest, pathLeadId: number | null): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
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

  private addTasks(request: FakeRequest): FakeResponse {
    const items = request.body;
    if (!Array.isArray(items) || items.length === 0) return problem(400, 'Bad Request', 'Request body is empty');
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
        } else if (item.entity_type === 'leads' && !this.leadRecords.has(item.entity_id)) {
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
