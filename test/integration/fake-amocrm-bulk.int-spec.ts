import {
  AMO_RATE_PER_SEC,
  COMPLEX_MAX_LEADS,
  FakeAmoCrm,
  MAX_ITEMS_PER_REQUEST,
  type FakeAmoCrmOptions,
} from '../fakes/amocrm/fake-amocrm';

/**
 * The fake amoCRM account at amoCRM's real limits and with its bulk calls, spoken to with plain fetch: what the
 * adapter and the benchmarks rely on it to do.
 */

const FIELD_ID = 1278898021;

interface Answer {
  status: number;
  type: string;
  text: string;
  body: any;
}

let fake: FakeAmoCrm;
let token: string;

async function startFake(options: FakeAmoCrmOptions = {}): Promise<FakeAmoCrm> {
  fake = new FakeAmoCrm({ externalIdFieldId: FIELD_ID, ...options });
  await fake.start();
  token = fake.issueTokens().accessToken;
  return fake;
}

afterEach(async () => {
  await fake?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const answer = await fetch(`${fake.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(2000),
  });
  const text = await answer.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: answer.status, type: answer.headers.get('content-type') ?? '', text, body: parsed };
}

const phoneOf = (n: number) => `+7913${String(3000000 + n)}`;

/** A complex item as the adapter sends it: the lead, a new contact with a phone, tags. */
function complexLead(n: number, contact: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Telegram: booking — Клиент ${n}`,
    responsible_user_id: 9000042,
    custom_fields_values: [{ field_id: FIELD_ID, values: [{ value: `lead-${n}` }] }],
    _embedded: {
      tags: [{ name: 'telegram' }, { name: 'booking' }],
      contacts: [
        {
          first_name: `Клиент ${n}`,
          custom_fields_values: [{ field_code: 'PHONE', values: [{ enum_code: 'MOB', value: phoneOf(n) }] }],
          ...contact,
        },
      ],
    },
    request_id: `lead-${n}`,
  };
}

async function fileLeads(count: number): Promise<number[]> {
  const answer = await call(
    'POST',
    '/api/v4/leads/complex',
    Array.from({ length: count }, (_, n) => complexLead(n)),
  );
  expect(answer.status).toBe(200);
  return answer.body.map((result: { id: number }) => result.id);
}

describe('rate limit', () => {
  it(`admits ${AMO_RATE_PER_SEC} requests a second per account, all endpoints and clients together, then 429`, async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    expect(fake.ratePerSec).toBe(7);

    // Ten clients at once: seven get through, three are refused, whatever the endpoint.
    const burst = await Promise.all([
      ...Array.from({ length: 5 }, () => call('GET', '/api/v4/contacts?query=9130000000')),
      ...Array.from({ length: 5 }, () => call('GET', '/api/v4/leads?query=lead-0')),
    ]);
    const statuses = burst.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 204)).toHaveLength(7);
    const refused = burst.filter((a) => a.status === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0].type).toContain('application/problem+json');
    expect(refused[0].body).toMatchObject({
      title: 'Too Many Requests',
      status: 429,
      retry_after: fake.retryAfterSec,
    });
    expect(fake.rateRefusals).toBe(3);

    // The token endpoint shares the account's window.
    const refresh = await fetch(`${fake.baseUrl}/oauth2/access_token`, { method: 'POST', body: '{}' });
    expect(refresh.status).toBe(429);
    expect(fake.rateRefusals).toBe(4);

    // A second later the window has room again.
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call('GET', '/api/v4/contacts?query=9130000000')).status).toBe(204);

    expect(fake.httpCalls()).toBe(12); // refused ones included
    expect(fake.lookupCount()).toBe(11);
    expect(fake.writeItemCount()).toBe(0);
  });

  it('Infinity switches the limit off; it can be changed on a running fake', async () => {
    await startFake({ ratePerSec: Infinity });
    const burst = await Promise.all(Array.from({ length: 30 }, () => call('GET', '/api/v4/contacts?query=x')));
    expect(burst.every((a) => a.status === 204)).toBe(true);

    fake.ratePerSec = 2;
    await new Promise((resolve) => setTimeout(resolve, 1050));
    const limited = await Promise.all(Array.from({ length: 3 }, () => call('GET', '/api/v4/contacts?query=x')));
    expect(limited.map((a) => a.status).sort()).toEqual([204, 204, 429]);
    expect(fake.rateRefusals).toBe(1);
  });

  it('opt-in: repeated 429s block the account, 403 on every request until unblocked', async () => {
    await startFake({ ratePerSec: 1, blockAfter: { refusals: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/api/v4/contacts?query=x')).status);

    expect(statuses).toEqual([204, 429, 429, 403]);
    expect(fake.blocked).toBe(true);
    expect(fake.blockRefusals).toBe(1);
    const blocked = await call('POST', '/api/v4/tasks', [{ text: 'x', complete_till: 1 }]);
    expect(blocked.status).toBe(403);
    expect(blocked.body).toMatchObject({ status: 403 });

    fake.unblock();
    await new Promise((resolve) => setTimeout(resolve, 1050));
    expect((await call('GET', '/api/v4/contacts?query=x')).status).toBe(204);
    expect(fake.blocked).toBe(false);
  });
});

describe('POST /api/v4/leads/complex', () => {
  it(`takes ${COMPLEX_MAX_LEADS} leads with their contacts in one call and answers one result per lead`, async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    const items = Array.from({ length: COMPLEX_MAX_LEADS }, (_, n) => complexLead(n));

    const answer = await call('POST', '/api/v4/leads/complex', items);

    expect(answer.status).toBe(200);
    expect(answer.type).toContain('application/hal+json');
    expect(answer.body).toHaveLength(50);
    answer.body.forEach((result: any, n: number) => {
      expect(result).toEqual({
        id: expect.any(Number),
        contact_id: expect.any(Number),
        company_id: null,
        request_id: [`lead-${n}`],
        merged: false,
      });
    });
    expect(fake.leads()).toHaveLength(50);
    expect(fake.contacts()).toHaveLength(50);
    const lead7 = fake.leads().find((l) => l.originId === 'lead-7')!;
    expect(lead7.id).toBe(String(answer.body[7].id));
    expect(fake.contactOf(lead7.id)).toBe(String(answer.body[7].contact_id));
    expect(fake.tagsOf(lead7.id)).toEqual(['telegram', 'booking']);
    expect(fake.writeItems()).toEqual({ leads: 50, contacts: 50, companies: 0, notes: 0, tasks: 0 });
    expect(fake.writeItemCount()).toBe(100);
  });

  it(`refuses ${COMPLEX_MAX_LEADS + 1} leads with a 422 and writes none`, async () => {
    await startFake();
    const answer = await call(
      'POST',
      '/api/v4/leads/complex',
      Array.from({ length: COMPLEX_MAX_LEADS + 1 }, (_, n) => complexLead(n)),
    );

    expect(answer.status).toBe(422);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 422, detail: expect.stringContaining('50') });
    expect(fake.leads()).toHaveLength(0);
    expect(fake.writeItemCount()).toBe(0);
  });

  it('a new embedded contact is created, an existing one ({id}) only linked; a new company is linked to its new contact', async () => {
    await startFake();
    const existing = fake.seedContact('+79131112233', 'Ольга');
    const withCompany = complexLead(2);
    (withCompany._embedded as any).companies = [{ name: 'ООО Ромашка' }];

    const answer = await call('POST', '/api/v4/leads/complex', [
      complexLead(1),
      { ...complexLead(9), _embedded: { contacts: [{ id: Number(existing) }] } },
      withCompany,
    ]);

    expect(answer.status).toBe(200);
    const [fresh, linked, company] = answer.body;
    expect(fresh.contact_id).not.toBe(Number(existing));
    expect(linked.contact_id).toBe(Number(existing));
    expect(company.company_id).toEqual(expect.any(Number));
    expect(fake.contacts()).toHaveLength(3); // the seeded one, and two new
    expect(fake.contacts().find((c) => c.id === existing)).toMatchObject({ phone: '+79131112233', name: 'Ольга' });
    expect(fake.companies()).toEqual([
      { id: String(company.company_id), name: 'ООО Ромашка', leadIds: [String(company.id)] },
    ]);
    const contact = await call('GET', `/api/v4/contacts/${company.contact_id}`);
    expect(contact.body._embedded.companies).toEqual([expect.objectContaining({ id: company.company_id })]);
    expect(fake.writeItems()).toEqual({ leads: 3, contacts: 2, companies: 1, notes: 0, tasks: 0 });
  });

  it('one malformed item fails the whole request: 400 naming each bad item and path, nothing written', async () => {
    await startFake();
    const twoContacts = complexLead(3);
    (twoContacts._embedded as any).contacts.push({ first_name: 'second' });
    const items = [
      complexLead(0),
      { ...complexLead(1), _embedded: { contacts: [{ id: 999 }] } }, // no such contact
      complexLead(2),
      twoContacts,
      { name: 'no request_id', pipeline_id: 'first' },
    ];

    const answer = await call('POST', '/api/v4/leads/complex', items);

    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ title: 'Bad Request', status: 400, detail: 'Request validation failed' });
    expect(answer.body['validation-errors']).toEqual([
      {
        request_id: 'lead-1',
        errors: [expect.objectContaining({ code: 'NotFound', path: '_embedded.contacts.0.id' })],
      },
      { request_id: 'lead-3', errors: [expect.objectContaining({ code: 'TooMany', path: '_embedded.contacts' })] },
      { request_id: '4', errors: [expect.objectContaining({ code: 'InvalidType', path: 'pipeline_id' })] },
    ]);
    expect(fake.leads()).toHaveLength(0);
    expect(fake.contacts()).toHaveLength(0);
    expect(fake.writeItemCount()).toBe(0);
  });

  it('drop-after (the answer is lost) leaves every lead and contact of the batch created', async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    fake.fail('created-then-dropped');

    await expect(
      call(
        'POST',
        '/api/v4/leads/complex',
        Array.from({ length: 20 }, (_, n) => complexLead(n)),
      ),
    ).rejects.toThrow();

    expect(fake.leads()).toHaveLength(20);
    expect(fake.contacts()).toHaveLength(20);
    expect(new Set(fake.leads().map((l) => l.originId)).size).toBe(20);
    expect(fake.leads().every((l) => l.contactId !== null)).toBe(true);
    expect(fake.writeItemCount()).toBe(40);
    // The retry's lookup finds them: the contact by phone.
    const found = await call('GET', `/api/v4/contacts?query=${phoneOf(13).slice(2)}&with=leads`);
    expect(found.status).toBe(200);
    expect(found.body._embedded.contacts[0]._embedded.leads).toHaveLength(1);
  });

  it('the other batch faults apply to complex calls too: a hang or an injected 500 writes nothing', async () => {
    await startFake();
    fake.fail('timeout');
    await expect(
      fetch(`${fake.baseUrl}/api/v4/leads/complex`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([complexLead(0), complexLead(1)]),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    fake.fail('server-error');
    expect((await call('POST', '/api/v4/leads/complex', [complexLead(0)])).status).toBe(500);
    fake.failureRate = 1;
    fake.randomFaults = [{ fault: 'drop-after', match: (r) => r.path === '/api/v4/leads/complex' }];
    await expect(call('POST', '/api/v4/leads/complex', [complexLead(5), complexLead(6)])).rejects.toThrow();
    fake.failureRate = 0;

    expect(
      fake
        .leads()
        .map((l) => l.originId)
        .sort(),
    ).toEqual(['lead-5', 'lead-6']);
  });
});

describe('notes and tasks as arrays', () => {
  it('notes for several leads in one call, each counted; also on /leads/{id}/notes; over 250 refused', async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    const [a, b, c] = await fileLeads(3);

    const answer = await call(
      'POST',
      '/api/v4/leads/notes',
      [a, b, c, a, b, c].map((entityId, i) => ({
        entity_id: entityId,
        note_type: 'common',
        params: { text: `note ${i}` },
        request_id: `n-${i}`,
      })),
    );
    expect(answer.status).toBe(200);
    expect(answer.body._embedded.notes).toHaveLength(6);
    expect(answer.body._embedded.notes[4]).toMatchObject({ id: expect.any(Number), entity_id: b, request_id: 'n-4' });
    expect(fake.comments(String(a))).toEqual(['note 0', 'note 3']);
    expect(fake.comments(String(c))).toEqual(['note 2', 'note 5']);

    const onOne = await call('POST', `/api/v4/leads/${b}/notes`, [
      { note_type: 'common', params: { text: 'x' } },
      { note_type: 'service_message', params: { service: 'Volna', text: 'y' } },
    ]);
    expect(onOne.status).toBe(200);
    expect(fake.comments(String(b))).toEqual(['note 1', 'note 4', 'x', 'y']);
    expect(fake.writeItems().notes).toBe(8);

    const tooMany = await call(
      'POST',
      '/api/v4/leads/notes',
      Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => ({
        entity_id: a,
        note_type: 'common',
        params: { text: 'z' },
      })),
    );
    expect(tooMany.status).toBe(422);
    const oneBad = await call('POST', '/api/v4/leads/notes', [
      { entity_id: a, note_type: 'common', params: { text: 'ok' } },
      { entity_id: 1, note_type: 'common', params: { text: 'no such lead' } },
    ]);
    expect(oneBad.status).toBe(400);
    expect(oneBad.body['validation-errors']).toEqual([
      { request_id: '1', errors: [expect.objectContaining({ path: 'entity_id' })] },
    ]);
    expect(fake.writeItems().notes).toBe(8);
  });

  it('tasks for several leads in one call, each counted; over 250 refused', async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    const leads = await fileLeads(4);
    const deadline = Math.floor(Date.now() / 1000) + 900;

    const answer = await call(
      'POST',
      '/api/v4/tasks',
      leads.map((entityId, i) => ({
        text: `Перезвонить ${i}`,
        complete_till: deadline,
        entity_type: 'leads',
        entity_id: entityId,
        task_type_id: 1,
        request_id: `t-${i}`,
      })),
    );

    expect(answer.status).toBe(200);
    expect(answer.body._embedded.tasks).toHaveLength(4);
    expect(answer.body._embedded.tasks[2]).toMatchObject({ id: expect.any(Number), request_id: 't-2' });
    leads.forEach((id, i) => {
      expect(fake.tasks(String(id))).toEqual([{ text: `Перезвонить ${i}`, deadline: new Date(deadline * 1000) }]);
    });
    expect(fake.writeItems()).toEqual({ leads: 4, contacts: 4, companies: 0, notes: 0, tasks: 4 });

    const tooMany = await call(
      'POST',
      '/api/v4/tasks',
      Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => ({
        text: 'x',
        complete_till: deadline,
        entity_type: 'leads',
        entity_id: leads[0],
      })),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ status: 422 });
    expect(fake.writeItems().tasks).toBe(4);
  });
});

describe('query lookups', () => {
  it('one string per request, matching any filled field; 204 with no body when nothing matches', async () => {
    await startFake({ ratePerSec: AMO_RATE_PER_SEC });
    fake.seedContact('+7 (913) 100-00-01', 'Анна');
    fake.seedContact('+79131000002', 'Борис');

    const byPhone = await call('GET', '/api/v4/contacts?query=9131000001');
    expect(byPhone.status).toBe(200);
    expect(byPhone.body._embedded.contacts.map((c: any) => c.name)).toEqual(['Анна']);
    const byName = await call('GET', `/api/v4/contacts?query=${encodeURIComponent('Борис')}`);
    expect(byName.body._embedded.contacts.map((c: any) => c.name)).toEqual(['Борис']);

    const none = await call('GET', '/api/v4/contacts?query=9139999999');
    expect(none.status).toBe(204);
    expect(none.text).toBe('');

    // No multi-value search: two phones in one string match nothing, an array is refused.
    expect((await call('GET', '/api/v4/contacts?query=9131000001,9131000002')).status).toBe(204);
    const asArray = await call('GET', '/api/v4/contacts?query[]=9131000001&query[]=9131000002');
    expect(asArray.status).toBe(400);
    expect(asArray.body['validation-errors'][0].errors[0]).toMatchObject({ path: 'query' });

    expect(fake.lookupCount()).toBe(5);
    expect(fake.writeItemCount()).toBe(0);
  });
});
