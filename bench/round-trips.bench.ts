/**
 * `npm run bench:round-trips`: how many Postgres round trips and commits one plain price question costs end to end
 * (accept, triage with the offline model, reply, local CRM), counted by wrapping the pg client in this process.
 * The app runs in-process with its background sweeps slowed down, so that only the message's own work is counted.
 * Issue 13's budget: at most 15 round trips and 4 commits.
 */
import { startApp } from '../test/support/app-harness';
import { roundTripsOfPriceQuestion } from '../test/support/round-trips';
import { testEnv } from '../test/support/test-env';

async function main(): Promise<void> {
  const env = testEnv({ OUTBOX_SWEEP_INTERVAL_MS: '600000', OUTBOX_LEASE_MS: '600000', LOG_LEVEL: 'error' });
  const running = await startApp(env);
  try {
    const { statements, commits } = await roundTripsOfPriceQuestion(running.url, env.DATABASE_URL);
    const byKind = new Map<string, number>();
    for (const s of statements) {
      const kind = s.split(' ')[0].toUpperCase();
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    }
    console.log(statements.map((s, i) => `${String(i + 1).padStart(3)} ${s.slice(0, 100)}`).join('\n'));
    console.log(`\nbench:round-trips  one price question, webchat, offline model, local CRM`);
    console.log(`round trips ${statements.length} (budget 15), commits ${commits} (budget 4)`);
    console.log([...byKind].map(([kind, n]) => `${kind} ${n}`).join(', '));
  } finally {
    await running.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
