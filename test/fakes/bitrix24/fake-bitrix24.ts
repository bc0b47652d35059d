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

const MULTIFIELD_TYPES: Record<string, string[]> = {
  PHONE: ['WORK', 'MOBILE', 'FAX', 'HOME', 'PAGER', 'MAILING', 'OTHER'],
  EMAIL: ['WORK', 'HOME', 'MAILING', 'OTHER'],
  WEB: ['WORK', 'HOME', 'VK', 'LIVEJOURNAL', 'TWITTER', 'OTHER'],
  IM: ['TELEGRAM', 'VK', 'SKYPE', 'VIBER', 'BITRIX24', 'OPENLINE', 'IMOL', 'ICQ', 'MSN', 'JABBER', 'OTHER'],
};
const PAGE_SIZE = 50;
const METHOD_PATH = /^\/rest\/([^/]+)\/([^/]+)\/([A-Za-z0-9_.]+?)(?:\.json)?$/;

/**
 * A Bitrix24 portal behind an incoming webhook, as the REST v2 API answers it: numeric ids from per-table
 * sequences, list rows with string values, `time` blocks, `{error, error_description}` with the real statuses.
 * It checks what Bitrix24 would reject, and a little more where that catches adapter bugs (unknown multifield
 * types, links to records that do not exist).
 */
export class FakeBitrix24 extends FakeHttpServer implements CrmFakeView {
  /** Simple CRM mode: no leads; crm.lead.add files a lead and converts it to a deal at once, as the portal does. */
  simpleMode = false;
  /** Unix seconds reported as time.operating_reset_at; by default 10 minutes after each call. */
  operatingResetAt?: number;

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

  /** The incoming-webhook URL of this portal, given the address start() returned. */
  webhookUrl(base: string): string {
    return `${base}/rest/${this.userId}/${this.code}/`;
  }

  /** Requests to one REST method. */
  calls(method: string): FakeRequest[] {
    return this.requests.filter((r) => methodOf(r) === method);
  }

  /** The next `times` calls (of `method`, or any) answer with a Bitrix24 system error. */
  failWith(code: Bitrix24ErrorCode, times = 1, method?: string): void {
    this.failNext(bitrixError(code), times, (r) => !method || methodOf(r) === method);
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

  fail(failure: CrmFailure, times = 1): void {
    const creates = (r: FakeRequest) => ['crm.lead.add', 'crm.deal.add'].includes(methodOf(r));
    const adds = (r: FakeRequest) => methodOf(r).endsWith('.add');
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
        return void this.failNext(
          {
            status: 400,
            body: { error: 'ERROR_CORE', error_description: 'The field Work e-mail contains an invalid address' },
          },
          times,
          adds,
        );
      case 'token-expired':
        throw new Error('an incoming webhook has no access token that could expire');
    }
  }

  // The wire

  private serveMethod(request: FakeRequest): FakeResponse {
    const [, user, code, method] = METHOD_PATH.exec(request.path)!;
    if (user !== this.userId || code !== this.code) return bitrixError('INVALID_CREDENTIALS');
    const handler = this.methods[method];
    if (!handler) return bitrixError('ERROR_METHOD_NOT_FOUND');
    const params: Params = request.body && typeof request.body === 'object' ? request.body : {};
    try {
      const result = handler(params);
      return { status: 200, body: this.envelope(result, params) };
    } catch (error) {
      if (!(error instanceof MethodError)) throw error;
      return { status: error.status, body: { error: error.code, error_description: error.description } };
    }
  }

  private envelope(result: unknown, params: Params): Row {
    if (!(result instanceof Page)) return { result, time: this.time() };
    const start = Number(params.start ?? 0) || 0;
    const rows = result.rows.slice(start, start + PAGE_SIZE);
    const next = start + PAGE_SIZE < result.rows.length ? { next: start + PAGE_SIZE } : {};
    return { result: result.wrap(rows), ...next, total: result.rows.length, time: this.time() };
  }

  private time(): Row {
    const now = Date.now() / 1000;
    const date = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
    return {
      start: now,
      finish: now + 0.012,
      duration: 0.012,
      processing: 0.004,
      date_start: date,
      date_finish: date,
      operating_reset_at: this.operatingResetAt ?? Math.floor(now) + 600,
      operating: 0,
    };
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
