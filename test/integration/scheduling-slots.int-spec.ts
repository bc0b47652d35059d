import { AdminAccessModule } from '../../src/http/admin-access.module';
import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DateTime } from 'luxon';
import type { Client } from 'pg';
import { AppConfigModule } from '../../src/config/config.module';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { DatabaseModule } from '../../src/database/database.module';
import { SchedulingFacade, SchedulingModule, SchedulingNotFoundError } from '../../src/modules/scheduling';
import { SchedulingCatalog } from '../../src/modules/scheduling/application/scheduling-catalog';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';

const ZONE = 'Asia/Krasnoyarsk';
const day = DateTime.now().setZone(ZONE).plus({ days: 7 }).startOf('day');
const nextDay = day.plus({ days: 1 });
const at = (time: string, on = day) => {
  const [hour, minute] = time.split(':').map(Number);
  return on.set({ hour, minute }).toJSDate();
};
const label = (slot: { startsAt: Date; staffName: string }) =>
  `${DateTime.fromJSDate(slot.startsAt, { zone: ZONE }).toFormat('ccc HH:mm')} ${slot.staffName}`;

/** The scheduling module on its own, over the real database and migrations. */
async function startScheduling(env: EnvironmentVariables): Promise<TestingModule> {
  const app = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(env), DatabaseModule, AdminAccessModule, SchedulingModule],
  }).compile();
  await app.init();
  return app;
}

describe('scheduling: free slots over the real schema', () => {
  const env = testEnv({ SCHEDULING_SEED_PRESET: 'false', TZ_BUSINESS: ZONE });
  let app: TestingModule;
  let db: Client;
  let scheduling: SchedulingFacade;
  let catalog: SchedulingCatalog;
  let serviceId: string;
  let irinaId: string;

  beforeAll(async () => {
    app = await startScheduling(env);
    db = await connectDatabase(env.DATABASE_URL);
    scheduling = app.get(SchedulingFacade);
    catalog = app.get(SchedulingCatalog);
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
    await dropDatabase(env.DATABASE_URL);
  });

  it('seeds nothing when SCHEDULING_SEED_PRESET is off', async () => {
    expect(await scheduling.listServices()).toEqual([]);
  });

  it('respects weekly hours, breaks, days off and bookings, and reads the hours in TZ_BUSINESS', async () => {
    serviceId = (await catalog.createService({ name: 'Стрижка', durationMinutes: 60, priceRub: 1200, active: true }))
      .id;
    irinaId = (
      await catalog.createStaff({
        name: 'Ирина',
        active: true,
        serviceIds: [serviceId],
        hours: [
          { weekday: day.weekday, start: '09:00', end: '13:00' },
          { weekday: nextDay.weekday, start: '09:00', end: '13:00' },
        ],
        breaks: [{ weekday: day.weekday, start: '10:00', end: '11:00' }],
        daysOff: [nextDay.toISODate()!],
      })
    ).id;
    await catalog.createStaff({
      name: 'Ольга',
      active: true,
      serviceIds: [serviceId],
      hours: [{ weekday: day.weekday, start: '15:00', end: '17:00' }],
      breaks: [],
      daysOff: [],
    });
    await scheduling.book({ serviceId, staffId: irinaId, startsAt: at('11:00'), contactId: randomUUID() });

    const slots = await scheduling.findFreeSlots({
      serviceId,
      from: day.toJSDate(),
      to: day.plus({ days: 2 }).toJSDate(),
      limit: 50,
      distinctTimes: false,
    });
    const weekday = day.toFormat('ccc');
    // 09:30 runs into the break, 11:00 and 11:30 into the booking; the next day is Irina's day off
    expect(slots.map(label)).toEqual([
      `${weekday} 09:00 Ирина`,
      `${weekday} 12:00 Ирина`,
      `${weekday} 15:00 Ольга`,
      `${weekday} 15:30 Ольга`,
      `${weekday} 16:00 Ольга`,
    ]);
    expect(slots[0].startsAt.toISOString()).toBe(at('09:00').toISOString());
    expect(slots[0].startsAt.getUTCHours()).toBe(2); // 09:00 in UTC+7
    expect(slots[0].endsAt).toEqual(at('10:00'));
  });

  it('limits to one staff member, and to the wanted interval', async () => {
    const irina = await scheduling.findFreeSlots({
      serviceId,
      staffId: irinaId,
      from: day.toJSDate(),
      to: nextDay.toJSDate(),
    });
    expect(irina.map(label)).toEqual([`${day.toFormat('ccc')} 09:00 Ирина`, `${day.toFormat('ccc')} 12:00 Ирина`]);
    const afternoon = await scheduling.findFreeSlots({ serviceId, from: at('15:30'), to: at('16:30'), limit: 5 });
    expect(afternoon.map(label)).toEqual([`${day.toFormat('ccc')} 15:30 Ольга`, `${day.toFormat('ccc')} 16:00 Ольга`]);
  });

  it('follows the hours when an admin replaces them', async () => {
    const irina = await catalog.getStaff(irinaId);
    await catalog.replaceStaff(irinaId, { ...irina, daysOff: [], breaks: [] });
    const slots = await scheduling.findFreeSlots({
      serviceId,
      staffId: irinaId,
      from: nextDay.toJSDate(),
      to: nextDay.plus({ days: 1 }).toJSDate(),
    });
    expect(slots.map((s) => DateTime.fromJSDate(s.startsAt, { zone: ZONE }).toFormat('HH:mm'))).toEqual([
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '11:00',
      '11:30',
      '12:00',
    ]);
  });

  it('offers nothing in the past or sooner than the minimum lead time', async () => {
    const always = await catalog.createService({
      name: 'Консультация',
      durationMinutes: 30,
      priceRub: 0,
      active: true,
    });
    const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    await catalog.createStaff({
      name: 'Дежурный',
      active: true,
      serviceIds: [always.id],
      hours: allWeek,
      breaks: [],
      daysOff: [],
    });
    const now = Date.now();
    const slots = await scheduling.findFreeSlots({
      serviceId: always.id,
      from: new Date(now - 3 * 3600_000),
      to: new Date(now + 4 * 3600_000),
    });
    expect(slots.length).toBeGreaterThan(0);
    const lead = env.BOOKING_MIN_LEAD_MINUTES * 60_000;
    expect(slots[0].startsAt.getTime()).toBeGreaterThanOrEqual(now + lead);
    expect(slots[0].startsAt.getTime()).toBeLessThan(now + lead + env.SLOT_STEP_MINUTES * 60_000 + 1000);
  });

  it('an inactive service has no slots; an unknown one is not found; a search is bounded', async () => {
    const retired = await catalog.createService({
      name: 'Химзавивка',
      durationMinutes: 120,
      priceRub: null,
      active: true,
    });
    await catalog.updateService(retired.id, { active: false });
    expect(
      await scheduling.findFreeSlots({ serviceId: retired.id, from: day.toJSDate(), to: nextDay.toJSDate() }),
    ).toEqual([]);
    await expect(
      scheduling.findFreeSlots({ serviceId: randomUUID(), from: day.toJSDate(), to: nextDay.toJSDate() }),
    ).rejects.toBeInstanceOf(SchedulingNotFoundError);
    await expect(
      scheduling.findFreeSlots({ serviceId, from: day.toJSDate(), to: day.plus({ days: 90 }).toJSDate() }),
    ).rejects.toMatchObject({ code: 'SCHEDULING.INVALID' });
  });

  it('the database itself refuses overlapping bookings of one staff member (exclusion constraint)', async () => {
    const insert = (start: string, end: string, status = 'booked') =>
      db.query(
        `INSERT INTO appointments (service_id, staff_id, starts_at, ends_at, status) VALUES ($1, $2, $3, $4, $5)`,
        [serviceId, irinaId, at(start, nextDay), at(end, nextDay), status],
      );
    await insert('09:00', '10:00');
    await insert('09:30', '10:30', 'cancelled'); // cancelled ones do not count
    await insert('10:00', '11:00'); // touching is fine
    await expect(insert('09:30', '10:30')).rejects.toMatchObject({ code: '23P01' });
  });
});

describe('scheduling: preset seeding', () => {
  const env = testEnv({ BUSINESS_PRESET: 'clinic', TZ_BUSINESS: ZONE });
  afterAll(async () => {
    await dropDatabase(env.DATABASE_URL);
  });

  it('fills an empty instance once with the preset, so it can book out of the box', async () => {
    const first = await startScheduling(env);
    const scheduling = first.get(SchedulingFacade);
    const services = await scheduling.listServices();
    expect(services.map((s) => s.name)).toEqual([
      'Приём педиатра',
      'Приём терапевта',
      'Сдача анализов',
      'УЗИ брюшной полости',
    ]);
    expect(services.find((s) => s.name === 'Приём терапевта')).toMatchObject({ durationMinutes: 30, priceRub: 1800 });
    const staff = await first.get(SchedulingCatalog).listStaff();
    expect(staff.map((s) => s.name)).toEqual(['Елена Сергеевна', 'Ольга Викторовна']);
    expect(staff[0].hours).toContainEqual({ weekday: 1, start: '08:00', end: '20:00' });
    expect(staff[0].breaks).toContainEqual({ weekday: 1, start: '12:00', end: '13:00' });

    const therapist = await scheduling.findServiceByName('к терапевту');
    expect(therapist?.name).toBe('Приём терапевта');
    const slots = await scheduling.findFreeSlots({
      serviceId: therapist!.id,
      from: new Date(),
      to: new Date(Date.now() + 7 * 86_400_000),
      limit: 3,
    });
    expect(slots).toHaveLength(3);
    const booked = await scheduling.book({
      serviceId: therapist!.id,
      staffId: slots[0].staffId,
      startsAt: slots[0].startsAt,
      contactId: randomUUID(),
    });
    expect(booked).toMatchObject({ serviceName: 'Приём терапевта', staffName: 'Елена Сергеевна', status: 'booked' });
    await first.close();

    // a restart (or a second process) finds services and seeds nothing more
    const second = await startScheduling(env);
    expect(await second.get(SchedulingFacade).listServices()).toHaveLength(4);
    expect(await second.get(SchedulingCatalog).listStaff()).toHaveLength(2);
    await second.close();
  });
});
