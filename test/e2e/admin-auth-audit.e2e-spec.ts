import type { INestApplication } from '@nestjs/common';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { CrmGateway } from '../../src/modules/crm';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId, type JsonResponse } from '../support/http';
import { ScriptedCrm } from '../support/scripted-crm';
import { ADMIN_TOKEN, connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const ADMIN_PREFIX = '/api/admin/v1';
const PROBLEM = 'application/problem+json';
const READER_TOKEN = 'reader-token-0123456789abcdef';
const WRONG_TOKEN = 'wrong-token-0123456789abcdef';
const SOME_ID = '00000000-0000-4000-8000-000000000000';
const ZONE = 'Asia/Krasnoyarsk';
const day = DateTime.now().setZone(ZONE).plus({ days: 7 }).startOf('day');
const at = (hour: number) => day.set({ hour }).toISO()!;
const week = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

type Route = { method: string; pattern: string };

/** Every admin route Nest mounted on Express, so routes added later are covered without touching this suite. */
function adminRoutes(app: INestApplication): Route[] {
  const express = app.getHttpAdapter().getInstance();
  const stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> = express.router.stack;
  return stack.flatMap((layer) =>
    layer.route?.path.startsWith(ADMIN_PREFIX)
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), pattern: layer.route!.path }))
      : [],
  );
}

const isWrite = ({ method }: Route) => method !== 'GET' && method !== 'HEAD';
const urlOf = (base: string, { pattern }: Route) => base + pattern.replace(/:[A-Za-z0-9_]+/g, SOME_ID);
const name = ({ method, pattern }: Route) => `${method} ${pattern}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function expectProblem(answer: JsonResponse, status: number, route: string): void {
  expect({ route, status: answer.status, type: answer.contentType.split(';')[0] }).toEqual({
    route,
    status,
    type: PROBLEM,
  });
}

describe('admin access and the audit log', () => {
  const crm = new ScriptedCrm();
  // Every route is tried with a wrong token below: far more failures than the default limit allows.
  const env = testEnv({
    ADMIN_READONLY_TOKENS: `auditor:${READER_TOKEN}`,
    ADMIN_AUTH_MAX_FAILURES: '1000',
    TZ_BUSINESS: ZONE,
  });
  let running: RunningApp;
  let db: Client;
  let routes: Route[];

  beforeAll(async () => {
    running = await startApp(env, [[CrmGateway, crm]]);
    db = await connectDatabase(env.DATABASE_URL);
    routes = adminRoutes(running.app);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  const api = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    request(`${running.url}${ADMIN_PREFIX}${path}`, { admin: !init.headers, ...init });
  const auditCount = async () => (await db.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n as number;
  /** The newest audit entry of a route, through the API, read with the read-only token. */
  const lastEntry = async (method: string, route: string) => {
    const answer = await api('/audit?limit=500', { headers: bearer(READER_TOKEN) });
    expect(answer.status).toBe(200);
    return answer.body.items.find((e: { method: string; route: string }) => e.method === method && e.route === route);
  };

  it('covers every admin route the application serves', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map(name)).toEqual(
      expect.arrayContaining([
        'POST /api/admin/v1/services',
        'POST /api/admin/v1/dead-letters/:id/replay',
        'GET /api/admin/v1/audit',
      ]),
    );
  });

  it('401 problem+json on every admin route without a token or with a wrong one', async () => {
    for (const route of routes) {
      const url = urlOf(running.url, route);
      const missing = await request(url, { method: route.method, body: isWrite(route) ? {} : undefined });
      expectProblem(missing, 401, name(route));
      const wrong = await request(url, { method: route.method, headers: bearer(WRONG_TOKEN) });
      expectProblem(wrong, 401, name(route));
      expect(wrong.body.detail).not.toContain(WRONG_TOKEN);
    }
  });

  it('a read-only token reads every route and gets 403 problem+json on every write', async () => {
    const before = await auditCount();
    for (const route of routes) {
      const answer = await request(urlOf(running.url, route), {
        method: route.method,
        headers: bearer(READER_TOKEN),
        body: isWrite(route) ? {} : undefined,
      });
      if (isWrite(route)) {
        expectProblem(answer, 403, name(route));
        expect(answer.body.detail).toBe('this token is read-only');
      } else {
        expect({ route: name(route), status: answer.status }).not.toEqual({ route: name(route), status: 401 });
        expect({ route: name(route), status: answer.status }).not.toEqual({ route: name(route), status: 403 });
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('400 with the field paths for an invalid body on every write that takes one, and no audit entry', async () => {
    const document = (await request(`${running.url}/docs-json`)).body;
    const takesBody = (route: Route) =>
      Boolean(
        document.paths[route.pattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[route.method.toLowerCase()]?.requestBody,
      );
    const writes = routes.filter(isWrite);
    const withBody = writes.filter(takesBody);
    const withoutBody = writes.filter((route) => !takesBody(route));
    console.info(`writes without a body (no 400 body check): ${withoutBody.map(name).join(', ') || 'none'}`);
    expect(withBody.length).toBeGreaterThan(4);

    const before = await auditCount();
    for (const route of withBody) {
      const answer = await request(urlOf(running.url, route), {
        method: route.method,
        admin: true,
        body: { unexpectedField: 1, nested: { deeper: true } },
      });
      expectProblem(answer, 400, name(route));
      expect({ route: name(route), fields: answer.body.errors.map((e: { field: string }) => e.field) }).toEqual({
        route: name(route),
        fields: expect.arrayContaining(['unexpectedField', 'nested']),
      });
    }
    const staff = await api('/staff', {
      body: { name: 'Мария', serviceIds: ['x'], hours: [{ weekday: 8, start: '9:00', end: '21:00' }] },
    });
    expect(staff.status).toBe(400);
    expect(staff.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['serviceIds', 'hours.0.weekday', 'hours.0.start']),
    );
    expect(await auditCount()).toBe(before);
  });

  describe('every successful change is in the audit log', () => {
    let serviceId: string;
    let staffId: string;

    it('creating and changing a service: who, route, params, body, before and after', async () => {
      const created = await api('/services', { body: { name: 'Аудит-стрижка', durationMinutes: 60, priceRub: 900 } });
      expect(created.status).toBe(201);
      serviceId = created.body.id;
      expect(await lastEntry('POST', '/api/admin/v1/services')).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        tokenName: 'admin',
        method: 'POST',
        route: '/api/admin/v1/services',
        params: {},
        body: { name: 'Аудит-стрижка', durationMinutes: 60, priceRub: 900 },
        before: null,
        after: created.body,
        status: 201,
      });

      const changed = await api(`/services/${serviceId}`, { method: 'PATCH', body: { priceRub: 1100 } });
      expect(changed.status).toBe(200);
      expect(await lastEntry('PATCH', '/api/admin/v1/services/:id')).toMatchObject({
        params: { id: serviceId },
        body: { priceRub: 1100 },
        before: { id: serviceId, priceRub: 900 },
        after: { id: serviceId, priceRub: 1100 },
        status: 200,
      });
    });

    it('creating and replacing a staff member', async () => {
      const created = await api('/staff', {
        body: { name: 'Аудит', serviceIds: [serviceId], hours: week('09:00', '21:00') },
      });
      expect(created.status).toBe(201);
      staffId = created.body.id;
      expect(await lastEntry('POST', '/api/admin/v1/staff')).toMatchObject({
        body: { name: 'Аудит', serviceIds: [serviceId] },
        before: null,
        after: { id: staffId, name: 'Аудит' },
        status: 201,
      });

      const replaced = await api(`/staff/${staffId}`, {
        method: 'PUT',
        body: { name: 'Аудит Вторая', serviceIds: [serviceId], hours: week('10:00', '20:00') },
      });
      expect(replaced.status).toBe(200);
      expect(await lastEntry('PUT', '/api/admin/v1/staff/:id')).toMatchObject({
        params: { id: staffId },
        before: { id: staffId, name: 'Аудит' },
        after: { id: staffId, name: 'Аудит Вторая' },
      });
    });

    it('booking, moving and cancelling an appointment', async () => {
      const booked = await api('/appointments', {
        body: { serviceId, staffId, startsAt: at(11), note: 'звонила, телефон в карточке' },
      });
      expect(booked.status).toBe(201);
      expect(await lastEntry('POST', '/api/admin/v1/appointments')).toMatchObject({
        body: { serviceId, staffId, startsAt: at(11) },
        before: null,
        after: { id: booked.body.id, status: 'booked' },
        status: 201,
      });

      const moved = await api(`/appointments/${booked.body.id}/reschedule`, { body: { startsAt: at(14) } });
      expect(moved.status).toBe(200);
      expect(await lastEntry('POST', '/api/admin/v1/appointments/:id/reschedule')).toMatchObject({
        before: { startsAt: booked.body.startsAt },
        after: { startsAt: moved.body.startsAt },
      });

      const cancelled = await api(`/appointments/${booked.body.id}/cancel`, { method: 'POST' });
      expect(cancelled.status).toBe(200);
      expect(await lastEntry('POST', '/api/admin/v1/appointments/:id/cancel')).toMatchObject({
        params: { id: booked.body.id },
        body: null,
        before: { id: booked.body.id, status: 'booked' },
        after: { id: booked.body.id, status: 'cancelled' },
        status: 200,
      });
    });

    /** A lead whose CRM sync dies at once (permanent failure); returns its dead letter's id. */
    async function deadLetter(): Promise<string> {
      crm.fallback = 'permanent';
      const answer = await request(`${running.url}/api/v1/webchat/messages`, {
        body: {
          sessionId: webchatId('s'),
          clientMessageId: webchatId('m'),
          text: 'запишите на стрижку в пятницу в 12',
        },
      });
      return waitFor(
        async () =>
          (
            await db.query(
              `SELECT d.id FROM leads l JOIN dead_letters d ON d.payload->>'leadId' = l.id::text
                WHERE l.conversation_id = $1`,
              [answer.body.conversationId],
            )
          ).rows[0]?.id as string | undefined,
        { what: 'dead letter' },
      );
    }

    it('replaying and discarding dead letters', async () => {
      const replayed = await deadLetter();
      crm.fallback = 'ok';
      const replay = await api(`/dead-letters/${replayed}/replay`, { method: 'POST' });
      expect(replay.status).toBe(202);
      expect(await lastEntry('POST', '/api/admin/v1/dead-letters/:id/replay')).toMatchObject({
        params: { id: replayed },
        after: { id: replayed, state: 'replayed' },
        status: 202,
      });

      const discarded = await deadLetter();
      const discard = await api(`/dead-letters/${discarded}`, { method: 'DELETE' });
      expect(discard.status).toBe(200);
      expect(await lastEntry('DELETE', '/api/admin/v1/dead-letters/:id')).toMatchObject({
        params: { id: discarded },
        after: { id: discarded, state: 'discarded' },
      });

      await deadLetter();
      crm.fallback = 'ok';
      const all = await api('/dead-letters/replay', { body: { topic: 'crm.sync' } });
      expect(all.status).toBe(202);
      expect(await lastEntry('POST', '/api/admin/v1/dead-letters/replay')).toMatchObject({
        body: { topic: 'crm.sync' },
        after: { replayed: all.body.replayed },
      });
    });

    it('releasing a conversation to the bot, with the hand-off it ended as "before"', async () => {
      const conversationId = randomUUID();
      await db.query(
        `INSERT INTO dialogs (conversation_id, handed_off_at, handoff_reason) VALUES ($1, now(), 'symptom')`,
        [conversationId],
      );
      const release = await api(`/conversations/${conversationId}/release`, { method: 'POST' });
      expect(release.status).toBe(204);
      expect(await lastEntry('POST', '/api/admin/v1/conversations/:conversationId/release')).toMatchObject({
        params: { conversationId },
        before: { conversationId, reason: 'symptom' },
        after: null,
        status: 204,
      });
    });

    it('a failed change leaves no entry', async () => {
      const before = await auditCount();
      expect((await api('/services', { body: { name: 'аудит-стрижка', durationMinutes: 30 } })).status).toBe(409);
      expect((await api(`/appointments/${SOME_ID}/cancel`, { method: 'POST' })).status).toBe(404);
      expect((await api(`/conversations/${SOME_ID}/release`, { method: 'POST' })).status).toBe(404);
      expect(await auditCount()).toBe(before);
    });
  });

  it('a change that cannot be audited is not made (503); a batch route keeps its change and logs', async () => {
    await db.query(
      `ALTER TABLE audit_log ADD CONSTRAINT refuse_for_test
         CHECK (route NOT IN ('/api/admin/v1/services', '/api/admin/v1/dead-letters/replay')) NOT VALID`,
    );
    try {
      const refused = await api('/services', { body: { name: 'Неаудируемая', durationMinutes: 30 } });
      expectProblem(refused, 503, 'POST /services');
      const { rows } = await db.query(`SELECT 1 FROM services WHERE name = 'Неаудируемая'`);
      expect(rows).toHaveLength(0);

      const batch = await api('/dead-letters/replay', { body: { topic: 'crm.sync' } });
      expect(batch.status).toBe(202);
    } finally {
      await db.query('ALTER TABLE audit_log DROP CONSTRAINT refuse_for_test');
    }
  });

  it('lists entries newest first, filtered by token name and time, for admin and read-only tokens', async () => {
    const all = await api('/audit?limit=500');
    expect(all.status).toBe(200);
    const times = all.body.items.map((e: { at: string }) => Date.parse(e.at));
    expect(times.length).toBeGreaterThan(8);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const two = await api('/audit?limit=2', { headers: bearer(READER_TOKEN) });
    expect(two.body.items).toEqual(all.body.items.slice(0, 2));
    expect((await api('/audit?tokenName=auditor')).body.items).toEqual([]);
    expect((await api('/audit?tokenName=admin&limit=500')).body.items).toHaveLength(all.body.items.length);

    const middle = all.body.items[Math.floor(all.body.items.length / 2)].at;
    const older = await api(`/audit?limit=500&to=${encodeURIComponent(middle)}`);
    const newer = await api(`/audit?limit=500&from=${encodeURIComponent(middle)}`);
    expect(older.body.items.length + newer.body.items.length).toBe(all.body.items.length);
    expect(older.body.items.every((e: { at: string }) => e.at < middle)).toBe(true);

    const bad = await api('/audit?limit=0&from=yesterday&tokenName=Bad%20Name');
    expectProblem(bad, 400, 'GET /audit');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'limit', 'tokenName']);
  });
});

describe('admin login brute force', () => {
  const env = testEnv({ ADMIN_AUTH_MAX_FAILURES: '3', ADMIN_AUTH_WINDOW_SECONDS: '2' });
  let first: RunningApp;
  let second: RunningApp;

  beforeAll(async () => {
    first = await startApp(env);
    second = await startApp(env); // another process of the same instance: same Redis, same prefix
  });
  afterAll(async () => {
    await second?.close({ dropDatabase: false });
    await first?.close();
  });

  const leads = (app: RunningApp, headers: Record<string, string> = {}) =>
    request(`${app.url}${ADMIN_PREFIX}/leads`, { headers });

  it('429 with Retry-After after the limit, even with the right token and on every process, until the window passes', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      expectProblem(await leads(attempt % 2 ? first : second, bearer(WRONG_TOKEN)), 401, `attempt ${attempt}`);
    }
    const started = Date.now();
    for (const [app, headers] of [
      [first, bearer(ADMIN_TOKEN)],
      [second, bearer(ADMIN_TOKEN)],
      [first, { ...bearer(ADMIN_TOKEN), 'x-forwarded-for': '203.0.113.50' }],
      [second, {}],
    ] as const) {
      const response = await fetch(`${app.url}${ADMIN_PREFIX}/leads`, { headers });
      expect(response.status).toBe(429);
      expect(response.headers.get('content-type')).toContain(PROBLEM);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    }

    const open = await waitFor(
      async () => {
        const answer = await leads(second, bearer(ADMIN_TOKEN));
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 5000, intervalMs: 100, what: 'the window to pass' },
    );
    expect(open.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(500);

    // A fresh window: failures count from zero again.
    expectProblem(await leads(first, bearer(WRONG_TOKEN)), 401, 'after the window');
    expect((await leads(first, bearer(ADMIN_TOKEN))).status).toBe(200);
  });

  it('requests without any token are refused but not counted as guesses', async () => {
    for (let attempt = 0; attempt < 5; attempt++) expectProblem(await leads(first), 401, `no token ${attempt}`);
    expect((await leads(first, bearer(ADMIN_TOKEN))).status).toBe(200);
  });
});
