import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduling: services, staff and their weekly hours, appointments and short holds on offered slots.
 * - Weekly hours and breaks are wall-clock times of TZ_BUSINESS (weekday 1 = Monday); days off are local dates.
 * - Two booked appointments of one staff member never overlap: an exclusion constraint, so no race can
 *   double-book. Ranges are half-open, so 10:00-11:00 and 11:00-12:00 both fit.
 * - A hold keeps an offered slot for one conversation while the client answers. Holds of different
 *   conversations never overlap (exclusion constraint; expired holds are deleted before a new one is placed).
 *   Holds and bookings live in two tables, so their mutual check runs under a per-staff advisory lock taken by
 *   every writer (see AppointmentsRepository.lockStaff).
 */
export class Scheduling1764000000003 implements MigrationInterface {
  name = 'Scheduling1764000000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS btree_gist');
    await db.query(`
      CREATE TABLE services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
        price_rub integer CHECK (price_rub >= 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The bot finds a service by its name: two services must not share one.
    await db.query('CREATE UNIQUE INDEX services_name_idx ON services (lower(name))');
    await db.query(`
      CREATE TABLE staff (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE staff_services (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        service_id uuid NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        PRIMARY KEY (staff_id, service_id)
      )`);
    await db.query('CREATE INDEX staff_services_service_idx ON staff_services (service_id)');
    await db.query(`
      CREATE TABLE staff_hours (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_time time NOT NULL,
        end_time time NOT NULL CHECK (end_time > start_time),
        PRIMARY KEY (staff_id, weekday, start_time)
      )`);
    await db.query(`
      CREATE TABLE staff_breaks (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_time time NOT NULL,
        end_time time NOT NULL CHECK (end_time > start_time),
        PRIMARY KEY (staff_id, weekday, start_time)
      )`);
    await db.query(`
      CREATE TABLE staff_days_off (
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        day date NOT NULL,
        PRIMARY KEY (staff_id, day)
      )`);
    // contact, conversation and lead belong to the leads module: plain ids, no foreign keys across modules.
    await db.query(`
      CREATE TABLE appointments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL REFERENCES services(id),
        staff_id uuid NOT NULL REFERENCES staff(id),
        contact_id uuid,
        conversation_id uuid,
        lead_id uuid,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CONSTRAINT appointments_no_overlap
          EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (status = 'booked')
      )`);
    await db.query(
      `CREATE INDEX appointments_contact_idx ON appointments (contact_id, starts_at) WHERE status = 'booked'`,
    );
    await db.query('CREATE INDEX appointments_starts_idx ON appointments (starts_at)');
    await db.query(`
      CREATE TABLE slot_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        service_id uuid NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        -- one conversation may hold several overlapping offers (10:00 and 10:30); two conversations may not
        CONSTRAINT slot_holds_no_overlap EXCLUDE USING gist (
          staff_id WITH =, tstzrange(starts_at, ends_at) WITH &&, conversation_id WITH <>
        )
      )`);
    await db.query('CREATE INDEX slot_holds_conversation_idx ON slot_holds (conversation_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS slot_holds');
    await db.query('DROP TABLE IF EXISTS appointments');
    await db.query('DROP TABLE IF EXISTS staff_days_off');
    await db.query('DROP TABLE IF EXISTS staff_breaks');
    await db.query('DROP TABLE IF EXISTS staff_hours');
    await db.query('DROP TABLE IF EXISTS staff_services');
    await db.query('DROP TABLE IF EXISTS staff');
    await db.query('DROP TABLE IF EXISTS services');
  }
}
