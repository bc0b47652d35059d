/**
 * One worker process of the GigaChat token test: the real GigaChat adapter with the token shared in Redis, sending
 * BURST_MESSAGES requests BURST_CONCURRENCY at a time, then printing what happened as one JSON line.
 */
import IORedis from 'ioredis';
import { gigaChatAt } from './gigachat-client';
import { TRIAGE_FUNCTION, TRIAGE_JSON_SCHEMA } from '../../src/modules/triage/adapters/llm/llm-triage.schema';

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const redis = new IORedis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  const chat = gigaChatAt({
    url: env.GIGACHAT_URL,
    redis,
    keyPrefix: env.KEY_PREFIX,
    caFile: env.LLM_CA_FILE,
    authKey: env.GIGACHAT_AUTH_KEY,
  });
  const outcomes: string[] = [];
  let left = Number(env.BURST_MESSAGES);
  await Promise.all(
    Array.from({ length: Number(env.BURST_CONCURRENCY) }, async () => {
      while (left-- > 0) {
        try {
          const answer = await chat.complete({
            system: 'triage',
            user: `сообщение ${left}`,
            name: TRIAGE_FUNCTION,
            schema: TRIAGE_JSON_SCHEMA,
            signal: AbortSignal.timeout(5000),
          });
          outcomes.push(answer.value ? 'ok' : 'no-value');
        } catch (error) {
          outcomes.push(String((error as { reason?: string }).reason ?? error));
        }
      }
    }),
  );
  redis.disconnect();
  process.stdout.write(`${JSON.stringify({ outcomes })}\n`);
}

void main();
