/**
 * `npm run bench:round-trips`: how many Postgres round trips and commits one plain price question costs end to end
 * (accept, triage with the offline model, reply, local CRM), counted by wrapping the pg client in this process.
 * The app runs in-process with its background sweeps slowed down, so that only the message's own work is counted.
 * Issue 13's budget: at most 15 round trips and 4 commits.
 */
import { Client } from 'pg';
import { startApp } from '../test/support/app-harness';
import { request, webchatId } from '../test/support/http';
import { testEnv } from '../test/support/test-env';
import { waitFor } from '../test/support/wait-for';

let counting = false;
const statements: string[] = [];
/** The script's own client, which watches for the end: its queries are not the app's. */
let observer: Client | undefined;
const original = Client.prototype.query;
Client.prototype.query = function (this: Client, ...args: unknown[]) {
  if (counting && this !== observer) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string })?.text ?? '');
    statements.push(text.replace(/\s+/g, ' ').trim().slice(0, 90));
  }
  return (original as (...a: unknown[]) => unknown).apply(this, args);
} as typeof Client.prototype.query;

async function main(): Promise<void> {
  const env = testEnv({ OUTBOX_SWEEP_INTERVAL_MS: '600000', OUTBOX_LEASE_MS: '600000', LOG_LEVEL: 'error' });
  const running = await startApp(env);
  const db = new Client({ connectionString: env.DATABASE_URL });
  observer = db;
  await db.connect();
  try {
    const ask = async (text: string) => {
      const sessionId = webchatId('s');
      const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
        body: { sessionId, clientMessageId: webchatId('m'), text },
      });
      await waitFor(
        async () => {
          const { rows } = await db.query(
            `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS pending,
                    (SELECT crm_status FROM leads WHERE conversation_id = $1) AS crm`,
            [accepted.body.conversationId],
          );
          return rows[0].pending === 0 && rows[0].crm === 'delivered';
        },
        { what: 'the message handled end to end', timeoutMs: 20_000 },
      );
    };
    await ask('здравствуйте, сколько стоит маникюр?'); // warm-up: caches, prepared plans, the model
    await new Promise((resolve) => setTimeout(resolve, 500));
    statements.length = 0;
    counting = true;
    await ask('сколько стоит стрижка?');
    counting = false;

    // A COMMIT, or a statement that writes outside a transaction (it commits on its own); pooled connections
    // interleave, so "inside" is judged per statement kind, not per connection: good enough for a count.
    let open = 0;
    let commits = 0;
    for (const s of statements) {
      if (/^(START|BEGIN)/i.test(s)) open += 1;
      else if (/^COMMIT/i.test(s)) {
        open -= 1;
        commits += 1;
      } else if (open === 0 && !/^SELECT (?!\* FROM accept_inbound)/i.test(s)) commits += 1;
    }
    const byKind = new Map<string, number>();
    for (const s of statements)
      byKind.set(s.split(' ')[0].toUpperCase(), (byKind.get(s.split(' ')[0].toUpperCase()) ?? 0) + 1);
    console.log(statements.map((s, i) => `${String(i + 1).padStart(3)} ${s}`).join('\n'));
    console.log(`\nbench:round-trips  one price question, webchat, offline model, local CRM`);
    console.log(`round trips ${statements.length} (budget 15), commits ${commits} (budget 4)`);
    console.log([...byKind].map(([kind, n]) => `${kind} ${n}`).join(', '));
  } finally {
    await db.end();
    await running.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
