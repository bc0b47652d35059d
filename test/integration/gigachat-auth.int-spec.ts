import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import IORedis from 'ioredis';
import { TRIAGE_FUNCTION, TRIAGE_JSON_SCHEMA } from '../../src/modules/triage/adapters/llm/llm-triage.schema';
import { FAKE_GIGACHAT_AUTH_KEY, FakeGigaChat, gigaChatError } from '../fakes/gigachat/fake-gigachat';
import { createTestCa, type TestCa } from '../fakes/test-ca';
import { gigaChatAt } from '../support/gigachat-client';
import { REDIS_SERVER } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const ANSWER = { intent: 'price', confidence: 0.9, urgency: 'cold', escalate: false };
const request = () => ({
  system: 'triage',
  user: 'сколько стоит маникюр?',
  name: TRIAGE_FUNCTION,
  schema: TRIAGE_JSON_SCHEMA,
  signal: AbortSignal.timeout(5000),
});

/** Runs test/support/gigachat-burst.ts as a separate OS process: another worker with its own memory. */
function burstProcess(env: Record<string, string>): Promise<string[]> {
  const script = path.resolve(__dirname, '../support/gigachat-burst.ts');
  const child = spawn(
    process.execPath,
    ['-e', `require('ts-node').register({ transpileOnly: true, swc: true }); require(${JSON.stringify(script)});`],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (errors += chunk));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`burst process exited ${code}: ${errors}`));
      resolve((JSON.parse(output.trim().split('\n').pop()!) as { outcomes: string[] }).outcomes);
    }),
  );
}

describe('GigaChat authentication', () => {
  const fake = new FakeGigaChat();
  const redis = new IORedis(REDIS_SERVER, { maxRetriesPerRequest: 1 });
  let ca: TestCa;
  let url: string;
  let keyPrefix: string;

  const chat = (caFile: string | null = ca.caFile) =>
    gigaChatAt({ url, redis, keyPrefix, caFile: caFile ?? undefined, authKey: FAKE_GIGACHAT_AUTH_KEY });

  beforeAll(async () => {
    ca = createTestCa();
    fake.scope = 'GIGACHAT_API_B2B';
    fake.script = () => ANSWER;
    url = await fake.start(0, { key: ca.serverKey, cert: ca.serverCert });
  });
  afterAll(async () => {
    redis.disconnect();
    await fake.stop();
  });
  beforeEach(() => {
    keyPrefix = `test-${randomUUID()}`; // a fresh token store for every test
    fake.requests.length = 0;
    fake.clearFaults();
    fake.latencyMs = 0;
    fake.tokenTtlMs = 30 * 60_000;
  });

  it('serves a token expiring in the middle of a 200-message burst of two processes, fetching each token once', async () => {
    fake.tokenTtlMs = 1500;
    fake.latencyMs = 120;
    const env = {
      REDIS_URL: REDIS_SERVER,
      LLM_CA_FILE: ca.caFile,
      GIGACHAT_URL: url,
      GIGACHAT_AUTH_KEY: FAKE_GIGACHAT_AUTH_KEY,
      KEY_PREFIX: keyPrefix,
      BURST_MESSAGES: '100',
      BURST_CONCURRENCY: '4',
    };
    const started = Date.now();
    const outcomes = (await Promise.all([burstProcess(env), burstProcess(env)])).flat();
    const elapsed = Date.now() - started;

    expect(outcomes).toHaveLength(200);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    // Long enough for the first token to expire in the middle...
    const tokenTimes = fake.tokenRequests.map((r) => r.receivedAt);
    expect(elapsed).toBeGreaterThan(2 * 1500);
    expect(tokenTimes.length).toBeGreaterThanOrEqual(2);
    // ...and each token was fetched once: the next only when the last was due for renewal, never two at a time.
    for (let i = 1; i < tokenTimes.length; i++) expect(tokenTimes[i] - tokenTimes[i - 1]).toBeGreaterThan(1000);
    expect(fake.completionRequests.filter((r) => r.status === 401)).toEqual([]);
  }, 60_000);

  it('fetches a new token once when GigaChat refuses the current one, and repeats the call once', async () => {
    const client = chat();
    await expect(client.complete(request())).resolves.toMatchObject({ value: ANSWER });
    fake.revokeTokens();

    await expect(client.complete(request())).resolves.toMatchObject({ value: ANSWER });
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.completionRequests).toHaveLength(3); // the refused call, then the repeat

    fake.failNext(gigaChatError(401), 2, (r) => r.path.endsWith('/chat/completions'));
    await expect(client.complete(request())).rejects.toMatchObject({ reason: 'unauthorized', status: 401 });
    expect(fake.tokenRequests).toHaveLength(3);
    expect(fake.completionRequests).toHaveLength(5);
  });

  it('fetches the token at start and renews it before it expires, so no message waits for one', async () => {
    fake.tokenTtlMs = 1000;
    const client = chat();
    client.open(() => undefined);
    try {
      await waitFor(async () => fake.tokenRequests.length >= 3, { what: 'three renewals', timeoutMs: 5000 });
      const before = fake.tokenRequests.length;
      await expect(client.complete(request())).resolves.toMatchObject({ value: ANSWER });
      expect(fake.tokenRequests).toHaveLength(before);
      expect(fake.completionRequests.map((r) => r.status)).toEqual([200]);
    } finally {
      client.close();
    }
  });

  it('shares the token across clients through Redis', async () => {
    await chat().complete(request());
    await chat().complete(request());
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('trusts the GigaChat certificate only with the CA of LLM_CA_FILE, verification always on', async () => {
    await expect(chat(null).complete(request())).rejects.toMatchObject({
      name: 'LlmTriageError',
      reason: 'unreachable',
      socketCode: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER/,
      ),
    });
    expect(fake.requests).toHaveLength(0);
    await expect(chat(ca.caFile).complete(request())).resolves.toMatchObject({ value: ANSWER });
  });
});
