import { startApp, type RunningApp } from '../support/app-harness';
import { roundTripsOfPriceQuestion, type RoundTrips } from '../support/round-trips';
import { testEnv } from '../support/test-env';

/**
 * Postgres round trips are most of what a message costs the 2 cores at a peak: one price question, answered and
 * filed in the local CRM, stays within a fixed number of statements and commits. Issue 13 aims at 15 round trips;
 * 20 is where the hot path stands (see bench:round-trips for the list), and this keeps it from growing back.
 */
const MAX_ROUND_TRIPS = 20;
/**
 * Four for the message, the bot's reply and the CRM's record of the lead, plus the local CRM's own write: a CRM
 * is called outside the job's transaction (so that a slow CRM holds no connection), and the local CRM is a table.
 */
const MAX_COMMITS = 5;

describe('the Postgres cost of one message', () => {
  let running: RunningApp;
  let cost: RoundTrips;

  beforeAll(async () => {
    const env = testEnv({ OUTBOX_SWEEP_INTERVAL_MS: '600000', OUTBOX_LEASE_MS: '600000', LOG_LEVEL: 'error' });
    running = await startApp(env);
    cost = await roundTripsOfPriceQuestion(running.url, env.DATABASE_URL);
  });
  afterAll(() => running?.close());

  it(`a price question end to end takes at most ${MAX_ROUND_TRIPS} round trips and ${MAX_COMMITS} commits`, () => {
    expect(cost.statements.length).toBeLessThanOrEqual(MAX_ROUND_TRIPS);
    expect(cost.commits).toBeLessThanOrEqual(MAX_COMMITS);
  });

  it('reads no settings and no whole conversation: profile, scenarios, services and staff come from the cache', () => {
    const reads = cost.statements.filter((s) =>
      /FROM (business_profile|scenarios|services|staff)\b|FROM messages WHERE conversation_id = \$1 ORDER BY/.test(s),
    );
    expect(reads).toEqual([]);
  });

  it('each job claims its outbox row in its own transaction: no separate attempt, lock or done statements', () => {
    const outboxWrites = cost.statements.filter((s) => /^UPDATE outbox/.test(s));
    expect(outboxWrites).toHaveLength(3); // triage, reply, CRM sync: one claim each
    expect(outboxWrites.every((s) => s.includes("SET status = 'done'"))).toBe(true);
  });
});
