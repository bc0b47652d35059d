import type { KpiFacts } from '../domain/kpi-facts';

/**
 * The reporting read model of the KPIs: counted straight from the stored facts of several modules (messages,
 * dialogs, leads, appointments, reminders, outbox, dead letters), never from in-memory counters, so they are the
 * same whichever process answers and survive restarts. Every figure of one call reads one consistent snapshot.
 */
export abstract class KpiQueries {
  /** The facts of [from, to). `zone`: the business's time zone, whose calendar days LLM spend is counted by. */
  abstract facts(from: Date, to: Date, zone: string): Promise<KpiFacts>;
}
