import { AmoCrmAdapter } from '../../src/modules/crm/adapters/amocrm/amocrm-crm.adapter';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { AMO_RATE_PER_SEC, FakeAmoCrm } from '../fakes/amocrm/fake-amocrm';
import { leadFixture, syncContext } from '../support/crm-contract';
import { testEnv } from '../support/test-env';

const FIELD_ID = 1278898022;

/**
 * amoCRM allows 7 requests/s for the whole account: the leads, notes and tasks of many syncs in flight go out
 * together, up to 50 a request, and each sync still gets its own ids.
 */
describe('amoCRM delivery in bulk, at 7 requests/s', () => {
  let fake: FakeAmoCrm;
  let limiter: RedisRateLimiter;
  let adapter: AmoCrmAdapter;

  beforeEach(async () => {
    fake = new FakeAmoCrm({
      externalIdFieldId: FIELD_ID,
      longLivedToken: 'long-lived-test-token',
      ratePerSec: AMO_RATE_PER_SEC,
    });
    fake.latencyMs = 50;
    const base = await fake.start();
    const env = testEnv({
      CRM_PROVIDER: 'amocrm',
      AMOCRM_BASE_URL: base,
      AMOCRM_ACCESS_TOKEN: 'long-lived-test-token',
      AMOCRM_EXTERNAL_ID_FIELD_ID: String(FIELD_ID),
      AMOCRM_RATE_PER_SEC: '5', // under the account's 7, as a second integration on the account would need
      CRM_HTTP_TIMEOUT_MS: '2000',
    });
    limiter = new RedisRateLimiter(env);
    adapter = new AmoCrmAdapter(env, limiter, null as never); // a long-lived token needs no token store
  });

  afterEach(async () => {
    limiter.onModuleDestroy();
    await fake.stop();
  });

  it('files twenty hot leads at once with a few complex, note and task requests, each lead once', async () => {
    const leads = Array.from({ length: 20 }, () => leadFixture({ urgency: 'hot' }));

    const refs = await Promise.all(leads.map((lead) => adapter.upsertLead(lead, syncContext())));

    expect(
      fake
        .leads()
        .map((l) => l.originId)
        .sort(),
    ).toEqual(leads.map((l) => l.id).sort());
    for (const ref of refs) {
      expect(fake.comments(ref.externalId)).toHaveLength(1); // the conversation's note
      expect(fake.tasks(ref.externalId)).toHaveLength(1);
    }
    const posts = (path: string) => fake.server.requests.filter((r) => r.method === 'POST' && r.path === path).length;
    // One by one it would be 20 of each; the lookups by phone (one per new client) pace how the batches fill.
    const writes = posts('/api/v4/leads/complex') + posts('/api/v4/leads/notes') + posts('/api/v4/tasks');
    expect(writes).toBeLessThanOrEqual(20);
    expect(fake.rateRefusals).toBe(0);
  });

  it('a request amoCRM rejects as a whole is sent again lead by lead, so one bad lead fails alone', async () => {
    const leads = Array.from({ length: 4 }, () => leadFixture());
    const bad = leads[1];
    // amoCRM validates the whole array and writes nothing when one item is invalid.
    fake.server.failNext(
      {
        status: 400,
        body: {
          title: 'Bad Request',
          type: 'https://httpstatus.es/400',
          status: 400,
          detail: 'Request validation failed',
          'validation-errors': [
            { request_id: '1', errors: [{ code: 'NotSupportedChoice', path: 'name', detail: '' }] },
          ],
        },
      },
      5,
      (r) => r.path === '/api/v4/leads/complex' && JSON.stringify(r.body).includes(bad.id),
    );

    const results = await Promise.allSettled(leads.map((lead) => adapter.upsertLead(lead, syncContext())));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(
      fake
        .leads()
        .map((l) => l.originId)
        .sort(),
    ).toEqual([leads[0].id, leads[2].id, leads[3].id].sort());
  });
});
