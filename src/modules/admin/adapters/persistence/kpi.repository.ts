import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UNANSWERED_AFTER_MINUTES } from '../../application/kpi-report';
import type { KpiFacts } from '../../domain/kpi-facts';
import type { KpiQueries } from '../../ports/kpi-queries.port';

/**
 * A reporting read model: KPIs are counted straight from the stored facts of several modules (messages, dialogs,
 * leads, appointments, reminders, outbox, dead letters), never from in-memory counters, so they are the same
 * whichever process answers and survive restarts. Every figure reads one snapshot (REPEATABLE READ), with `now()`
 * fixed at its start. $1 = from (inclusive), $2 = to (exclusive).
 */

/** Conversations with a client message in the period that triage did not mark as spam, and the first such message. */
const PERIOD_CONVERSATIONS = `
  SELECT m.conversation_id, min(m.created_at) AS asked_at
  FROM messages m
  WHERE m.direction = 'in' AND m.created_at >= $1 AND m.created_at < $2
    AND (m.triage ->> 'intent') IS DISTINCT FROM 'spam'
  GROUP BY m.conversation_id`;

/**
 * Per period conversation: the bot's first reply sent at or after that first message; whether a person had the
 * conversation during the period (dialogs keep the latest handoff: still handed off before the period ended, or
 * released during or after its start); whether it was already with a person when the client wrote (the bot is
 * silent by design then, so no first-reply time is measured).
 */
const CONVERSATIONS_SQL = `
  WITH period AS (${PERIOD_CONVERSATIONS}),
  measured AS (
    SELECT p.asked_at,
      (SELECT min(r.sent_at) FROM messages r
        WHERE r.conversation_id = p.conversation_id AND r.direction = 'out' AND r.sent_at >= p.asked_at) AS replied_at,
      COALESCE(d.handed_off_at < $2 OR d.released_at >= $1, false) AS with_human,
      COALESCE(d.handed_off_at < p.asked_at, false) AS already_with_human
    FROM period p LEFT JOIN dialogs d ON d.conversation_id = p.conversation_id
  )
  SELECT count(*)::int AS conversations,
    count(*) FILTER (WHERE with_human)::int AS with_human,
    count(*) FILTER (WHERE NOT already_with_human)::int AS measured,
    count(replied_at) FILTER (WHERE NOT already_with_human)::int AS answered,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM replied_at - asked_at)::float8)
      FILTER (WHERE NOT already_with_human) AS p50,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM replied_at - asked_at)::float8)
      FILTER (WHERE NOT already_with_human) AS p95
  FROM measured`;

/** Leads created in the period; booked: status booked, or an appointment made for the lead or its conversation. */
const LEADS_SQL = `
  SELECT count(*)::int AS leads,
    count(*) FILTER (WHERE l.status = 'booked'
      OR l.id IN (SELECT a.lead_id FROM appointments a WHERE a.lead_id IS NOT NULL)
      OR l.conversation_id IN (SELECT a.conversation_id FROM appointments a WHERE a.conversation_id IS NOT NULL)
    )::int AS booked
  FROM leads l
  WHERE l.created_at >= $1 AND l.created_at < $2`;

/** crm.sync outbox rows finished in the period; retries are the tries after the first. */
const CRM_SQL = `
  SELECT count(*) FILTER (WHERE status = 'done')::int AS done,
    count(*) FILTER (WHERE status = 'dead')::int AS dead,
    COALESCE(sum(GREATEST(attempts - 1, 0)), 0)::int AS retries
  FROM outbox
  WHERE topic = 'crm.sync' AND status IN ('done', 'dead') AND completed_at >= $1 AND completed_at < $2`;

const DEAD_LETTERS_SQL = `
  SELECT (SELECT count(*) FROM dead_letters WHERE created_at >= $1 AND created_at < $2)::int AS dead_letters,
    (SELECT count(*) FROM messages WHERE direction = 'in' AND created_at >= $1 AND created_at < $2)::int AS incoming`;

/**
 * Visits that started in the period, before now, and got at least one sent reminder. A cancelled visit was not
 * expected, so it is neither a show nor a no-show; a past visit still `booked` (nobody marked it) counts as a show.
 */
const NO_SHOWS_SQL = `
  SELECT count(*)::int AS visits, count(*) FILTER (WHERE a.status = 'no_show')::int AS no_shows
  FROM appointments a
  WHERE a.starts_at >= $1 AND a.starts_at < LEAST($2::timestamptz, now()) AND a.status <> 'cancelled'
    AND EXISTS (SELECT 1 FROM reminders r WHERE r.appointment_id = a.id AND r.status = 'sent')`;

/**
 * Conversations whose latest client message (not spam) was written in the period and over $3 minutes ago, with
 * no bot reply created after it and sent, while no person has the conversation.
 */
const UNANSWERED_SQL = `
  WITH latest AS (
    SELECT DISTINCT ON (m.conversation_id) m.conversation_id, m.created_at
    FROM messages m
    WHERE m.direction = 'in' AND (m.triage ->> 'intent') IS DISTINCT FROM 'spam'
    ORDER BY m.conversation_id, m.created_at DESC
  )
  SELECT count(*)::int AS unanswered
  FROM latest l LEFT JOIN dialogs d ON d.conversation_id = l.conversation_id
  WHERE l.created_at >= $1 AND l.created_at < $2 AND l.created_at < now() - make_interval(mins => $3)
    AND d.handed_off_at IS NULL
    AND NOT EXISTS (
      SELECT 1 FROM messages r
      WHERE r.conversation_id = l.conversation_id AND r.direction = 'out' AND r.sent_at IS NOT NULL
        AND r.created_at >= l.created_at)`;

/** LLM spend of the local days (in $3, TZ_BUSINESS) from the one holding $1 to the one holding the end $2. */
const LLM_SQL = `
  SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, calls,
    input_tokens::float8 AS input_tokens, output_tokens::float8 AS output_tokens, cost_rub::float8 AS cost_rub
  FROM llm_usage_daily
  WHERE day >= ($1::timestamptz AT TIME ZONE $3)::date
    AND day <= (($2::timestamptz - interval '1 millisecond') AT TIME ZONE $3)::date
  ORDER BY day, provider, model`;

@Injectable()
export class KpiRepository implements KpiQueries {
  constructor(private readonly dataSource: DataSource) {}

  facts(from: Date, to: Date, zone: string): Promise<KpiFacts> {
    return this.dataSource.transaction('REPEATABLE READ', async (db) => {
      await db.query('SET TRANSACTION READ ONLY');
      const one = async <T>(sql: string, params: unknown[] = [from, to]) => (await query<T>(db, sql, params))[0];
      const conversations = await one<{
        conversations: number;
        with_human: number;
        measured: number;
        answered: number;
        p50: number | null;
        p95: number | null;
      }>(CONVERSATIONS_SQL);
      const leads = await one<{ leads: number; booked: number }>(LEADS_SQL);
      const crm = await one<{ done: number; dead: number; retries: number }>(CRM_SQL);
      const deadLetters = await one<{ dead_letters: number; incoming: number }>(DEAD_LETTERS_SQL);
      const noShows = await one<{ visits: number; no_shows: number }>(NO_SHOWS_SQL);
      const unanswered = await one<{ unanswered: number }>(UNANSWERED_SQL, [from, to, UNANSWERED_AFTER_MINUTES]);
      const llm = await query<{
        day: string;
        provider: string;
        model: string;
        calls: number;
        input_tokens: number;
        output_tokens: number;
        cost_rub: number;
      }>(db, LLM_SQL, [from, to, zone]);
      return {
        conversations: conversations.conversations,
        firstReplyMeasured: conversations.measured,
        firstReplyAnswered: conversations.answered,
        firstReplyP50Seconds: conversations.p50,
        firstReplyP95Seconds: conversations.p95,
        conversationsWithHuman: conversations.with_human,
        leads: leads.leads,
        leadsBooked: leads.booked,
        crmDone: crm.done,
        crmDead: crm.dead,
        crmRetries: crm.retries,
        deadLetters: deadLetters.dead_letters,
        incomingMessages: deadLetters.incoming,
        visitsAfterReminder: noShows.visits,
        noShowsAfterReminder: noShows.no_shows,
        unansweredConversations: unanswered.unanswered,
        llmDays: llm.map((row) => ({
          day: row.day,
          provider: row.provider,
          model: row.model,
          calls: row.calls,
          inputTokens: row.input_tokens,
          outputTokens: row.output_tokens,
          costRub: row.cost_rub,
        })),
      };
    });
  }
}

function query<T>(db: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  return db.query(sql, params) as Promise<T[]>;
}
