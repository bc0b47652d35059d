import { DateTime } from 'luxon';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { testEnv } from '../support/test-env';

const ZONE = 'Asia/Krasnoyarsk';
const day = DateTime.now().setZone(ZONE).plus({ days: 7 }).startOf('day');
/** "2030-03-04T10:00:00.000+07:00": an instant with the business's offset, as an admin UI would send it. */
const at = (time: string) => {
  const [hour, minute] = time.split(':').map(Number);
  return day.set({ hour, minute }).toISO()!;
};
const utc = (time: string) => new Date(at(time)).toISOString();
const week = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

describe('admin: scheduling API', () => {
  let running: RunningApp;
  let serviceId: string;
  let annaId: string;

  beforeAll(async () => {
    running = await startApp(testEnv({ SCHEDULING_SEED_PRESET: 'false', TZ_BUSINESS: ZONE }));
  });
  afterAll(async () => {
    await running?.close();
  });

  const api = (path: string, init: { method?: string; body?: unknown; admin?: boolean } = {}) =>
    request(`${running.url}/api/admin/v1${path}`, { admin: true, ...init });
  const slotsQuery = (from: string, to: string, extra = '') =>
    `/slots?serviceId=${serviceId}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;

  it('401 problem+json without the admin token or with a wrong one', async () => {
    for (const answer of [
      await api('/services', { admin: false }),
      await api('/appointments', { admin: false, body: {} }),
      await request(`${running.url}/api/admin/v1/staff`, {
        headers: { authorization: 'Bearer wrong-token-0123456789' },
      }),
    ]) {
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/problem+json');
    }
  });

  it('creates and lists services; 400 with the fields on bad input; 409 on a taken name', async () => {
    const created = await api('/services', { body: { name: ' Маникюр ', durationMinutes: 60, priceRub: 1500 } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Маникюр',
      durationMinutes: 60,
      priceRub: 1500,
      active: true,
    });
    serviceId = created.body.id;

    const bad = await api('/services', { body: { name: '', durationMinutes: 0, colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'colour',
      'durationMinutes',
      'name',
    ]);

    const taken = await api('/services', { body: { name: 'маникюр', durationMinutes: 30 } });
    expect(taken).toMatchObject({ status: 409, body: { type: 'urn:volna:problem:scheduling.conflict' } });

    const retired = await api('/services', { body: { name: 'Химзавивка', durationMinutes: 120, priceRub: null } });
    expect(
      (await api(`/services/${retired.body.id}`, { method: 'PATCH', body: { active: false } })).body,
    ).toMatchObject({
      active: false,
      priceRub: null,
    });
    expect((await api('/services')).body.items.map((s: { name: string }) => s.name)).toEqual(['Маникюр']);
    expect((await api('/services?includeInactive=true')).body.items).toHaveLength(2);
    expect((await api('/services/not-a-uuid')).status).toBe(400);
  });

  it('creates staff with services, weekly hours and breaks; 400 on bad hours or unknown services', async () => {
    const created = await api('/staff', {
      body: { name: 'Анна', serviceIds: [serviceId], hours: week('09:00', '21:00'), breaks: week('13:00', '14:00') },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Анна', active: true, serviceIds: [serviceId], daysOff: [] });
    expect(created.body.hours).toHaveLength(7);
    expect(created.body.breaks).toContainEqual({ weekday: 1, start: '13:00', end: '14:00' });
    annaId = created.body.id;

    const badShape = await api('/staff', {
      body: { name: 'Мария', serviceIds: ['x'], hours: [{ weekday: 8, start: '9:00', end: '21:00' }] },
    });
    expect(badShape.status).toBe(400);
    expect(badShape.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['serviceIds', 'hours.0.weekday', 'hours.0.start']),
    );

    const overlapping = await api('/staff', {
      body: {
        name: 'Мария',
        serviceIds: [serviceId],
        hours: [
          { weekday: 1, start: '09:00', end: '14:00' },
          { weekday: 1, start: '13:00', end: '18:00' },
        ],
      },
    });
    expect(overlapping).toMatchObject({ status: 400, body: { type: 'urn:volna:problem:scheduling.invalid' } });
    expect(overlapping.body.detail).toContain('overlap');

    const unknown = await api('/staff', {
      body: { name: 'Мария', serviceIds: ['8b0c1f1e-7a55-4d2b-9f5e-1b2c3d4e5f60'], hours: week('09:00', '18:00') },
    });
    expect(unknown).toMatchObject({ status: 400, body: { type: 'urn:volna:problem:scheduling.invalid' } });

    const list = await api('/staff');
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['Анна']);
  });

  it('lists free slots of a service in a wanted interval', async () => {
    const answer = await api(slotsQuery(at('12:00'), at('15:00')));
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      { staffId: annaId, staffName: 'Анна', startsAt: utc('12:00'), endsAt: utc('13:00') },
      { staffId: annaId, staffName: 'Анна', startsAt: utc('14:00'), endsAt: utc('15:00') },
      { staffId: annaId, staffName: 'Анна', startsAt: utc('14:30'), endsAt: utc('15:30') },
    ]);
    // an unencoded "+07:00" arrives as " 07:00" and still means +07:00
    const raw = await request(
      `${running.url}/api/admin/v1/slots?serviceId=${serviceId}&from=${at('12:00')}&to=${at('13:00')}`,
      { admin: true },
    );
    expect(raw.body.items).toHaveLength(1);
  });

  it('400 problem+json on a bad slots query', async () => {
    const missing = await api(`/slots?from=${encodeURIComponent(at('09:00'))}&to=${encodeURIComponent(at('12:00'))}`);
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toContain('serviceId');
    const noOffset = await api(slotsQuery('2030-03-04T09:00', at('12:00')));
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.errors[0]).toMatchObject({ field: 'from', message: expect.stringContaining('offset') });
    const inverted = await api(slotsQuery(at('12:00'), at('09:00')));
    expect(inverted).toMatchObject({ status: 400, body: { type: 'urn:volna:problem:scheduling.invalid' } });
  });

  it('books; the same slot again is 409; 20 concurrent bookings of one slot give one 201 and 19 409', async () => {
    const booked = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('10:00') } });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({
      serviceName: 'Маникюр',
      staffName: 'Анна',
      startsAt: utc('10:00'),
      endsAt: utc('11:00'),
      status: 'booked',
    });

    const again = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('10:30') } });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body).toMatchObject({ type: 'urn:volna:problem:scheduling.slot-taken', status: 409 });

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('16:00') } }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);

    const day16 = await api(
      `/appointments?from=${encodeURIComponent(at('15:00'))}&to=${encodeURIComponent(at('18:00'))}`,
    );
    expect(day16.body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
  });

  it('409 outside working hours, 400 in the past or on a bad body, 404 for an unknown staff member', async () => {
    const late = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('20:30') } });
    expect(late).toMatchObject({ status: 409, body: { type: 'urn:volna:problem:scheduling.slot-unavailable' } });
    const past = await api('/appointments', {
      body: { serviceId, staffId: annaId, startsAt: DateTime.now().minus({ days: 1 }).toISO() },
    });
    expect(past).toMatchObject({ status: 400, body: { type: 'urn:volna:problem:scheduling.invalid' } });
    const bad = await api('/appointments', { body: { serviceId, startsAt: 'tomorrow' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['staffId', 'startsAt']);
    const nobody = await api('/appointments', {
      body: { serviceId, staffId: '8b0c1f1e-7a55-4d2b-9f5e-1b2c3d4e5f60', startsAt: at('10:00') },
    });
    expect(nobody).toMatchObject({ status: 404, body: { type: 'urn:volna:problem:scheduling.not-found' } });
  });

  it('reschedules: 409 into a taken slot and the original stays; 200 into a free one', async () => {
    const mine = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('18:00') } });
    expect(mine.status).toBe(201);

    const clash = await api(`/appointments/${mine.body.id}/reschedule`, { body: { startsAt: at('16:30') } });
    expect(clash).toMatchObject({ status: 409, body: { type: 'urn:volna:problem:scheduling.slot-taken' } });
    expect((await api(`/appointments/${mine.body.id}`)).body).toMatchObject({
      startsAt: utc('18:00'),
      status: 'booked',
    });

    const moved = await api(`/appointments/${mine.body.id}/reschedule`, { body: { startsAt: at('19:00') } });
    expect(moved).toMatchObject({
      status: 200,
      body: { id: mine.body.id, startsAt: utc('19:00'), endsAt: utc('20:00') },
    });

    const bad = await api(`/appointments/${mine.body.id}/reschedule`, { body: {} });
    expect(bad.status).toBe(400);
  });

  it('cancels (idempotent), which frees the slot; 404 for an unknown appointment', async () => {
    const mine = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('09:00') } });
    const cancelled = await api(`/appointments/${mine.body.id}/cancel`, { method: 'POST' });
    expect(cancelled).toMatchObject({ status: 200, body: { id: mine.body.id, status: 'cancelled' } });
    expect((await api(`/appointments/${mine.body.id}/cancel`, { method: 'POST' })).status).toBe(200);

    const rebooked = await api('/appointments', { body: { serviceId, staffId: annaId, startsAt: at('09:00') } });
    expect(rebooked.status).toBe(201);

    const unknown = await api('/appointments/8b0c1f1e-7a55-4d2b-9f5e-1b2c3d4e5f60/cancel', { method: 'POST' });
    expect(unknown).toMatchObject({ status: 404, body: { type: 'urn:volna:problem:scheduling.not-found' } });

    const cancelledOnly = await api('/appointments?status=cancelled');
    expect(cancelledOnly.body.items.map((a: { id: string }) => a.id)).toEqual([mine.body.id]);
  });

  it('documents the routes in OpenAPI', async () => {
    const document = await request(`${running.url}/docs-json`);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/admin/v1/services',
        '/api/admin/v1/staff',
        '/api/admin/v1/slots',
        '/api/admin/v1/appointments',
        '/api/admin/v1/appointments/{id}/cancel',
        '/api/admin/v1/appointments/{id}/reschedule',
      ]),
    );
  });
});
