import { AdminAccessModule } from '../../src/http/admin-access.module';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Client } from 'pg';
import {
  SchedulingFacade,
  SlotTakenError,
  SlotUnavailableError,
  SchedulingInvalidError,
} from '../../src/modules/scheduling';
import { SchedulingCatalog } from '../../src/modules/scheduling/application/scheduling-catalog';
import { UnitOfWork } from '../../src/shared/unit-of-work';
import { Test, type TestingModule } from '@nestjs/testing';
import { AppConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { SchedulingModule } from '../../src/modules/scheduling';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const ZONE = 'Asia/Krasnoyarsk';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

/** A day a week ahead, so every time on it is in the future and past the minimum lead time. */
const day = DateTime.now().setZone(ZONE).plus({ days: 7 }).startOf('day');
const at = (time: string, on = day) => {
  const [hour, minute] = time.split(':').map(Number);
  return on.set({ hour, minute }).toJSDate();
};

/** Booking, holds, moves and cancellations through the facade, against the real schema. */
describe('scheduling: booking through the facade', () => {
  const env = testEnv({ SCHEDULING_SEED_PRESET: 'false', TZ_BUSINESS: ZONE });
  let app: TestingModule;
  let db: Client;
  let scheduling: SchedulingFacade;
  let serviceId: string;
  let annaId: string;
  let mariaId: string;

  beforeAll(async () => {
    // the scheduling module on its own, over the real database and migrations
    app = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(env), DatabaseModule, AdminAccessModule, SchedulingModule],
    }).compile();
    await app.init();
    db = await connectDatabase(env.DATABASE_URL);
    scheduling = app.get(SchedulingFacade);
    const catalog = app.get(SchedulingCatalog);
    serviceId = (await catalog.createService({ name: 'Маникюр', durationMinutes: 60, priceRub: 1500, active: true }))
      .id;
    const week = (start: string, end: string) => EVERY_DAY.map((weekday) => ({ weekday, start, end }));
    const staff = { serviceIds: [serviceId], hours: week('09:00', '21:00'), breaks: week('13:00', '14:00') };
    annaId = (await catalog.createStaff({ ...staff, name: 'Анна', active: true, daysOff: [] })).id;
    mariaId = (await catalog.createStaff({ ...staff, name: 'Мария', active: true, daysOff: [] })).id;
  });
  afterAll(async () => {
    await db?.end();
    await app?.close();
    await dropDatabase(env.DATABASE_URL);
  });
  beforeEach(async () => {
    await db.query('DELETE FROM appointments');
    await db.query('DELETE FROM slot_holds');
  });

  const book = (time: string, overrides: Record<string, unknown> = {}) =>
    scheduling.book({ serviceId, staffId: annaId, startsAt: at(time), contactId: randomUUID(), ...overrides });

  const bookedRows = async () =>
    (
      await db.query<{ staff_id: string; starts_at: Date }>(
        `SELECT staff_id, starts_at FROM appointments WHERE status = 'booked' ORDER BY starts_at`,
      )
    ).rows;

  it('20 concurrent bookings of one slot: exactly one succeeds, the others get SlotTakenError', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => book('10:00')));

    const booked = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(booked).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(SlotTakenError);
    expect(await bookedRows()).toEqual([{ staff_id: annaId, starts_at: at('10:00') }]);
  });

  it('20 concurrent bookings of overlapping times of one staff member: one wins', async () => {
    const starts = ['10:00', '10:15', '10:30', '10:45'];
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => book(starts[i % starts.length])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(await bookedRows()).toHaveLength(1);
  });

  it('back-to-back bookings and other staff members at the same time are fine', async () => {
    await book('10:00');
    await book('11:00');
    await book('09:00');
    await book('10:00', { staffId: mariaId });
    expect(await bookedRows()).toHaveLength(4);
    await expect(book('10:30', { staffId: mariaId })).rejects.toBeInstanceOf(SlotTakenError);
  });

  it('returns the appointment with names, for confirmations and reminders', async () => {
    const contactId = randomUUID();
    const appointment = await book('15:00', { contactId, conversationId: randomUUID(), note: 'первый визит' });
    expect(appointment).toEqual({
      id: expect.any(String),
      serviceId,
      serviceName: 'Маникюр',
      staffId: annaId,
      staffName: 'Анна',
      contactId,
      conversationId: expect.any(String),
      leadId: null,
      startsAt: at('15:00'),
      endsAt: at('16:00'),
      status: 'booked',
      note: 'первый визит',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await scheduling.getAppointment(appointment.id)).toEqual(appointment);
  });

  it('refuses times outside the hours, on the break, in the past, and staff without the service', async () => {
    await expect(book('20:30')).rejects.toBeInstanceOf(SlotUnavailableError); // 20:30-21:30 runs past closing
    await expect(book('12:30')).rejects.toBeInstanceOf(SlotUnavailableError); // into the lunch break
    await expect(book('08:00')).rejects.toBeInstanceOf(SlotUnavailableError);
    await expect(
      scheduling.book({ serviceId, staffId: annaId, startsAt: new Date(Date.now() - 3600_000) }),
    ).rejects.toBeInstanceOf(SchedulingInvalidError);
    const catalog = app.get(SchedulingCatalog);
    const pedicure = await catalog.createService({
      name: 'Педикюр',
      durationMinutes: 60,
      priceRub: null,
      active: true,
    });
    await expect(book('10:00', { serviceId: pedicure.id })).rejects.toBeInstanceOf(SchedulingInvalidError);
    expect(await book('20:00')).toMatchObject({ endsAt: at('21:00') }); // ends exactly at closing
  });

  it('reschedule into a taken slot: SlotTakenError and the original stays; into a free one: moved', async () => {
    const mine = await book('10:00');
    await book('12:00');

    await expect(scheduling.reschedule(mine.id, at('11:30'))).rejects.toBeInstanceOf(SlotTakenError);
    expect(await scheduling.getAppointment(mine.id)).toMatchObject({ status: 'booked', startsAt: at('10:00') });

    const moved = await scheduling.reschedule(mine.id, at('10:30')); // overlaps only its own old time
    expect(moved).toMatchObject({ id: mine.id, startsAt: at('10:30'), endsAt: at('11:30'), status: 'booked' });

    const toMaria = await scheduling.reschedule(mine.id, at('12:00'), { staffId: mariaId });
    expect(toMaria).toMatchObject({ staffId: mariaId, staffName: 'Мария', startsAt: at('12:00') });
    expect(await bookedRows()).toHaveLength(2);
  });

  it('concurrent moves into one free slot: one wins, the others keep their times', async () => {
    const appointments = [];
    for (const time of ['09:00', '10:00', '11:00', '15:00', '16:00']) appointments.push(await book(time));
    const outcomes = await Promise.allSettled(appointments.map((a) => scheduling.reschedule(a.id, at('18:00'))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const times = (await bookedRows()).map((r) => DateTime.fromJSDate(r.starts_at, { zone: ZONE }).toFormat('HH:mm'));
    expect(times).toHaveLength(5);
    expect(times.filter((t) => t === '18:00')).toHaveLength(1);
  });

  it('cancel frees the slot and is idempotent; upcomingFor lists the client’s next visits', async () => {
    const contactId = randomUUID();
    const later = await book('16:00', { contactId });
    const first = await book('10:00', { contactId });
    await book('11:00');
    expect((await scheduling.upcomingFor(contactId)).map((a) => a.id)).toEqual([first.id, later.id]);

    const cancelled = await scheduling.cancel(first.id);
    expect(cancelled).toMatchObject({ id: first.id, status: 'cancelled', serviceName: 'Маникюр' });
    expect(await scheduling.cancel(first.id)).toMatchObject({ status: 'cancelled' });
    expect((await scheduling.upcomingFor(contactId)).map((a) => a.id)).toEqual([later.id]);

    expect(await book('10:00')).toMatchObject({ status: 'booked' }); // the time is free again
    await expect(scheduling.reschedule(first.id, at('17:00'))).rejects.toMatchObject({ code: 'SCHEDULING.CONFLICT' });
  });

  it('a hold keeps the slot for its conversation until it expires', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const holdId = await scheduling.holdSlot({
      staffId: annaId,
      serviceId,
      startsAt: at('10:00'),
      conversationId: alice,
      ttlSeconds: 2,
    });
    // the same conversation may hold overlapping offers (10:00 and 10:30)
    await scheduling.holdSlot({
      staffId: annaId,
      serviceId,
      startsAt: at('10:30'),
      conversationId: alice,
      ttlSeconds: 2,
    });

    await expect(
      scheduling.holdSlot({ staffId: annaId, serviceId, startsAt: at('10:30'), conversationId: bob }),
    ).rejects.toBeInstanceOf(SlotTakenError);
    await expect(book('10:00', { conversationId: bob })).rejects.toMatchObject({ details: { reason: 'held' } });
    await expect(book('10:00')).rejects.toBeInstanceOf(SlotTakenError); // an admin booking without a conversation too

    const window = { serviceId, staffId: annaId, from: at('09:00'), to: at('12:00') };
    const startsOf = async (conversationId?: string) =>
      (await scheduling.findFreeSlots({ ...window, conversationId })).map((s) =>
        DateTime.fromJSDate(s.startsAt, { zone: ZONE }).toFormat('HH:mm'),
      );
    expect(await startsOf(bob)).toEqual(['09:00', '11:30']);
    expect(await startsOf(alice)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);

    // a hold on the same time again is renewed, not doubled
    expect(
      await scheduling.holdSlot({
        staffId: annaId,
        serviceId,
        startsAt: at('10:00'),
        conversationId: alice,
        ttlSeconds: 2,
      }),
    ).toBe(holdId);

    const bobsHold = await waitFor(
      () =>
        scheduling
          .holdSlot({ staffId: annaId, serviceId, startsAt: at('10:00'), conversationId: bob })
          .catch((error: unknown) => {
            if (error instanceof SlotTakenError) return null;
            throw error;
          }),
      { timeoutMs: 8000, intervalMs: 200, what: "alice's holds to expire" },
    );
    expect(bobsHold).toEqual(expect.any(String));
    // alice's expired hold no longer lets her through: bob holds the time now
    await expect(book('10:00', { conversationId: alice, holdId })).rejects.toBeInstanceOf(SlotTakenError);
    expect(await book('10:00', { conversationId: bob, holdId: bobsHold })).toMatchObject({ status: 'booked' });
  });

  it('booking through a hold releases the conversation’s other holds; a booked slot cannot be held', async () => {
    const alice = randomUUID();
    const holds = [];
    for (const time of ['10:00', '11:00', '15:00']) {
      holds.push(await scheduling.holdSlot({ staffId: annaId, serviceId, startsAt: at(time), conversationId: alice }));
    }
    const appointment = await book('11:00', { holdId: holds[1] }); // the conversation comes from the hold
    expect(appointment.conversationId).toBe(alice);
    expect((await db.query('SELECT count(*)::int AS n FROM slot_holds')).rows[0].n).toBe(0);

    await expect(
      scheduling.holdSlot({ staffId: annaId, serviceId, startsAt: at('11:30'), conversationId: randomUUID() }),
    ).rejects.toMatchObject({ details: { reason: 'booked' } });
    expect(await scheduling.releaseHolds(alice)).toBe(0);
  });

  it('SlotTakenError inside the caller’s transaction leaves it usable, so the caller can book another time', async () => {
    await book('10:00');
    const uow = app.get(UnitOfWork);
    const contactId = randomUUID();
    const booked = await uow.run(async () => {
      await expect(book('10:00', { contactId })).rejects.toBeInstanceOf(SlotTakenError);
      return book('11:00', { contactId });
    });
    expect(booked.startsAt).toEqual(at('11:00'));
    expect(await scheduling.upcomingFor(contactId)).toHaveLength(1);
  });

  it('a booking made in a transaction that then fails is rolled back with it', async () => {
    const uow = app.get(UnitOfWork);
    await expect(
      uow.run(async () => {
        await book('10:00');
        throw new Error('the caller failed to schedule reminders');
      }),
    ).rejects.toThrow('reminders');
    expect(await bookedRows()).toEqual([]);
  });
});
