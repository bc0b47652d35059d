import { Bitrix24CrmAdapter } from '../../src/modules/crm/adapters/bitrix24/bitrix24-crm.adapter';
import { Bitrix24Client, mayHaveReachedBitrix24 } from '../../src/modules/crm/adapters/bitrix24/bitrix24.client';
import type { CrmLeadRef } from '../../src/modules/crm/ports/crm-gateway.port';
import type { LeadForCrm } from '../../src/modules/leads';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { TransientError } from '../../src/shared/domain-error';
import { FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import { leadFixture, syncContext } from '../support/crm-contract';
import { testEnv } from '../support/test-env';

/**
 * Many leads filed at once share the portal's leaky bucket: what waits for a token goes out as one `batch` call,
 * and each lead still gets its own result, its own error and its own retry.
 */
describe('Bitrix24 delivery in batches, at the cloud portal limits', () => {
  let fake: FakeBitrix24;
  let limiter: RedisRateLimiter;
  let adapter: Bitrix24CrmAdapter;
  let client: Bitrix24Client;

  beforeEach(async () => {
    fake = new FakeBitrix24('1', `code${Date.now()}`).useCloudLimits('standard');
    fake.latencyMs = 20;
    const base = await fake.start();
    const env = testEnv({
      CRM_PROVIDER: 'bitrix24',
      BITRIX24_WEBHOOK_URL: fake.webhookUrl(base),
      // Our side of the bucket, smaller than the portal's so that calls queue and batch within the test's time.
      BITRIX24_RATE_PER_SEC: '5',
      BITRIX24_RATE_BURST: '1',
      CRM_HTTP_TIMEOUT_MS: '2000',
      CRM_CREATE_SETTLE_MS: '0',
    });
    limiter = new RedisRateLimiter(env);
    adapter = new Bitrix24CrmAdapter(env, limiter);
    client = new Bitrix24Client(env, limiter);
  });

  afterEach(async () => {
    limiter.onModuleDestroy();
    await fake.stop();
  });

  const fileAll = (leads: LeadForCrm[], attempt = 1, saved: Array<Record<string, string>> = leads.map(() => ({}))) =>
    Promise.allSettled(leads.map((lead, k) => adapter.upsertLead(lead, syncContext(attempt, saved[k]))));

  it('files twenty leads at once in a handful of requests, each lead once with its contact', async () => {
    const leads = Array.from({ length: 20 }, () => leadFixture());

    const results = await fileAll(leads);

    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(
      fake
        .leads()
        .map((l) => l.originId)
        .sort(),
    ).toEqual(leads.map((l) => l.id).sort());
    expect(fake.contacts()).toHaveLength(20);
    // 20 × (duplicate search, contact, lead) commands, plus the CRM mode, in far fewer requests.
    expect(fake.commandCount()).toBeGreaterThanOrEqual(61);
    expect(fake.httpCalls()).toBeLessThanOrEqual(12);
    expect(fake.bucketRefusals).toBe(0);
  });

  it("fails only the lead whose command failed inside the batch; that lead's retry files it once", async () => {
    const leads = Array.from({ length: 6 }, () => leadFixture());
    const unlucky = leads[2];
    fake.failCommands((method, params) => method === 'crm.lead.add' && params.fields?.ORIGIN_ID === unlucky.id, {
      error: 'INTERNAL_SERVER_ERROR',
      error_description: 'Internal server error',
      status: 500,
    });
    const saved = leads.map(() => ({}));

    const results = await fileAll(leads, 1, saved);

    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    const error = (results[2] as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(TransientError);
    expect(fake.commandLog('crm.lead.add').some((c) => c.via === 'batch')).toBe(true);

    // The retry resumes after the contact it already made, looks the lead up, and files it.
    const retry = await adapter.upsertLead({ ...unlucky, crmRefs: saved[2] }, syncContext(2, saved[2]));
    expect(fake.leads().filter((l) => l.originId === unlucky.id)).toEqual([
      expect.objectContaining({ id: retry.externalId }),
    ]);
    expect(fake.contacts()).toHaveLength(6);
  });

  it('a batch whose answer was lost after it ran: every lead is found on its retry, none filed twice, and what the client wrote since goes as one comment', async () => {
    const leads = Array.from({ length: 5 }, () => leadFixture());
    const saved = leads.map(() => ({}));
    await adapter.upsertLead(leadFixture(), syncContext()); // the portal's CRM mode is known, cached
    fake.fail('created-then-dropped'); // the next request that files a lead: the whole batch runs, its answer is lost

    const first = await fileAll(leads, 1, saved);
    const lost = first.filter((r) => r.status === 'rejected');
    expect(lost.length).toBeGreaterThanOrEqual(2); // they went out together
    expect(lost.every((r) => mayHaveReachedBitrix24((r as PromiseRejectedResult).reason))).toBe(true);
    expect(fake.leads()).toHaveLength(6); // the batch ran (and the first lead was filed before it)

    const later = new Date(Date.now() + 60_000);
    const retried = await fileAll(
      leads.map((lead, k) => ({
        ...lead,
        crmRefs: saved[k],
        transcript: [...lead.transcript, { direction: 'in' as const, text: `И ещё: можно к Анне? (${k})`, at: later }],
      })),
      2,
      saved,
    );

    expect(retried.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(fake.leads()).toHaveLength(6);
    expect(fake.contacts()).toHaveLength(6);
    for (const [k, result] of retried.entries()) {
      const ref = (result as PromiseFulfilledResult<CrmLeadRef>).value;
      const wasLost = first[k].status === 'rejected';
      const comments = fake.comments(ref.externalId);
      // A lead whose create was answered has the new message in no comment yet: its follow-up sync sends it.
      expect(comments).toHaveLength(wasLost ? 1 : 0);
      if (wasLost) expect(comments[0]).toContain(`можно к Анне? (${k})`);
    }
  });

  it("parks a method the portal refuses for its operating time, so its calls fail fast until the portal's reset", async () => {
    fake.operatingLimitSec = 0.05;
    fake.commandLatencyMs = 60; // one add uses the method's budget up
    await client.call('crm.contact.add', { fields: { NAME: 'Аня' } });
    const refused = await client.call('crm.contact.add', { fields: { NAME: 'Оля' } }).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_TIME_LIMIT' });
    const requests = fake.httpCalls();

    const parked = await client.call('crm.contact.add', { fields: { NAME: 'Вера' } }).catch((e: Error) => e);

    expect(parked).toBeInstanceOf(TransientError);
    expect((parked as TransientError).retryAfterMs).toBeGreaterThan(1000);
    expect(fake.httpCalls()).toBe(requests); // not sent
    await expect(client.call('crm.lead.list', { filter: {} })).resolves.toBeDefined(); // other methods go on
  });
});
