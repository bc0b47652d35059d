import { Client } from 'pg';
import { request, webchatId } from './http';
import { waitFor } from './wait-for';

/**
 * What one plain price question costs Postgres end to end (accept, triage with the offline model, reply, local
 * CRM): every statement any pg client of this process sends while it is handled, and how many of them commit.
 * Used by the round-trip test and `npm run bench:round-trips`; the app must run in this process with its
 * background sweeps slowed down, so that only the message's own work is counted.
 */
export interface RoundTrips {
  statements: string[];
  commits: number;
}

export async function roundTripsOfPriceQuestion(appUrl: string, databaseUrl: string): Promise<RoundTrips> {
  const observer = new Client({ connectionString: databaseUrl });
  await observer.connect();
  const statements: string[] = [];
  let counting = false;
  const original = Client.prototype.query;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    if (counting && this !== observer) {
      const first = args[0];
      const text = typeof first === 'string' ? first : ((first as { text?: string })?.text ?? '');
      statements.push(text.replace(/\s+/g, ' ').trim());
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Client.prototype.query;

  const ask = async (text: string) => {
    const accepted = await request(`${appUrl}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text },
    });
    await waitFor(
      async () => {
        const { rows } = await observer.query(
          `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS pending,
                  (SELECT crm_status FROM leads WHERE conversation_id = $1) AS crm`,
          [accepted.body.conversationId],
        );
        return rows[0].pending === 0 && rows[0].crm === 'delivered';
      },
      { what: 'the message handled end to end', timeoutMs: 20_000 },
    );
  };
  try {
    await ask('здравствуйте, сколько стоит маникюр?'); // warm-up: caches, the model
    await new Promise((resolve) => setTimeout(resolve, 500));
    counting = true;
    await ask('сколько стоит стрижка?');
    counting = false;
  } finally {
    Client.prototype.query = original;
    await observer.end();
  }
  return { statements, commits: commitsOf(statements) };
}

/**
 * A COMMIT, or a statement that writes outside a transaction (it commits on its own). Pooled connections
 * interleave, so "inside" is judged by counting open transactions, not per connection: good enough for a count.
 */
function commitsOf(statements: string[]): number {
  let open = 0;
  let commits = 0;
  for (const s of statements) {
    if (/^(START|BEGIN)/i.test(s)) open += 1;
    else if (/^COMMIT/i.test(s)) {
      open -= 1;
      commits += 1;
    } else if (open === 0 && !/^SELECT (?!\* FROM accept_inbound)/i.test(s)) commits += 1;
  }
  return commits;
}
