import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { prepareDatabase } from '../../src/database/prepare-database';
import { TypeOrmUnitOfWork } from '../../src/database/typeorm-unit-of-work';
import { AmoCrmAdapter } from '../../src/modules/crm/adapters/amocrm/amocrm-crm.adapter';
import { AmoCrmTransientError } from '../../src/modules/crm/adapters/amocrm/amocrm.client';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import { PermanentError, ProviderBlockedError, TransientError } from '../../src/shared/domain-error';
import { FakeAmoCrm } from '../fakes/amocrm/fake-amocrm';
import { crmGatewayContract, leadFixture, syncContext } from '../support/crm-contract';
import { connectDatabase, dropDatabase, testEnv } from '../support/test-env';

const FIELD_ID = 1278898021;

const base = testEnv();
let dataSource: DataSource;
let uow: TypeOrmUnitOfWork;
let limiter: RedisRateLimiter;
let db: Client;

beforeAll(async () => {
  await prepareDatabase(base.DATABASE_URL);
  dataSource = new DataSource({ type: 'postgres', url: base.DATABASE_URL, logging: false });
  await dataSource.initialize();
  uow = new TypeOrmUnitOfWork(dataSource);
  limiter = new RedisRateLimiter(base);
  db = await connectDatabase(base.DATABASE_URL);
});

afterAll(async () => {
  limiter?.onModuleDestroy();
  await db?.end();
  await dataSource?.destroy();
  await dropDatabase(base.DATABASE_URL);
});

/** The service's environment in OAuth mode, pointed at the fake; every fake is its own account (host:port). */
function amoEnv(fake: FakeAmoCrm, overrides: Record<string, string> = {}): EnvironmentVariables {
  return testEnv({
    DATABASE_URL: base.DATABASE_URL,
    QUEUE_PREFIX: base.QUEUE_PREFIX,
    CRM_PROVIDER: 'amocrm',
    AMOCRM_BASE_URL: fake.baseUrl,
    AMOCRM_CLIENT_ID: fake.clientId,
    AMOCRM_CLIENT_SECRET: fake.clientSecret,
    AMOCRM_REFRESH_TOKEN: fake.initialRefreshToken,
    AMOCRM_REDIRECT_URI: fake.redirectUri,
    AMOCRM_EXTERNAL_ID_FIELD_ID: String(FIELD_ID),
    AMOCRM_RESPONSIBLE_USER_ID: '9000042',
    CRM_HTTP_TIMEOUT_MS: '500',
    CRM_CREATE_SETTLE_MS: '1500',
    AMOCRM_RATE_PER_SEC: '50',
    ...overrides,
  });
}

/** A fake whose integration was just installed: the store starts from a live access token and refresh token. */
async function installedFake(): Promise<{ fake: FakeAmoCrm; env: EnvironmentVariables }> {
  const fake = new FakeAmoCrm({ externalIdFieldId: FIELD_ID });
  await fake.start();
  const pair = fake.issueTokens();
  return {
    fake,
    env: amoEnv(fake, { AMOCRM_ACCESS_TOKEN: pair.accessToken, AMOCRM_REFRESH_TOKEN: pair.refreshToken }),
  };
}

async function storedTokens(fake: FakeAmoCrm) {
  const { rows } = await db.query(
    `SELECT access_token, refresh_token, expires_at FROM crm_oauth_tokens WHERE provider = 'amocrm' AND account = $1`,
    [new URL(fake.baseUrl).host],
  );
  return rows[0] as { access_token: string; refresh_token: string; expires_at: Date } | undefined;
}

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

crmGatewayContract('amocrm (OAuth)', async () => {
  const { fake, env } = await installedFake();
  return { gateway: new AmoCrmAdapter(env, limiter, uow), fake, stop: () => fake.stop() };
});

describe('amoCRM adapter: OAuth tokens', () => {
  let fake: FakeAmoCrm;
  afterEach(async () => {
    await fake?.stop();
  });

  it('starts from the refresh token in the environment and keeps the rotated pair in the database', async () => {
    fake = new FakeAmoCrm({ externalIdFieldId: FIELD_ID });
    await fake.start();
    const env = amoEnv(fake);

    await new AmoCrmAdapter(env, limiter, uow).upsertLead(leadFixture(), syncContext());

    expect(fake.refreshCalls()).toHaveLength(1);
    const stored = await storedTokens(fake);
    expect(fake.liveRefreshTokens()).toEqual([stored?.refresh_token]);
    expect(stored?.refresh_token).not.toBe(env.AMOCRM_REFRESH_TOKEN);
    expect(stored?.expires_at.getTime()).toBeGreaterThan(Date.now() + 3600_000);

    // A restarted worker (a new adapter, the same environment) goes on with the stored pair, not the spent seed.
    await new AmoCrmAdapter(env, limiter, uow).upsertLead(leadFixture(), syncContext());
    expect(fake.refreshCalls()).toHaveLength(1);
    expect(fake.leads()).toHaveLength(2);
  });

  it('two workers refreshing at the same moment spend the refresh token once and both go on working', async () => {
    const installed = await installedFake();
    fake = installed.fake;
    const first = new AmoCrmAdapter(installed.env, limiter, uow);
    const second = new AmoCrmAdapter(installed.env, limiter, uow);
    // Both workers hold the current access token in memory.
    await first.upsertLead(leadFixture(), syncContext());
    await second.upsertLead(leadFixture(), syncContext());
    const before = (await storedTokens(fake))!;

    fake.expireAccessTokens();
    fake.tokenLatencyMs = 300; // the second 401 lands while the first refresh is still on the wire
    const leadA = leadFixture();
    const leadB = leadFixture();
    // Each inside its own job transaction, as the outbox runs them.
    const [refA, refB] = await Promise.all([
      uow.run(() => first.upsertLead(leadA, syncContext())),
      uow.run(() => second.upsertLead(leadB, syncContext())),
    ]);

    expect(fake.refreshCalls()).toHaveLength(1);
    const unauthorized = fake.answers.filter((a) => a.status === 401 && a.path.startsWith('/api/v4/'));
    expect(unauthorized).toHaveLength(2);
    const filed = new Map(fake.leads().map((l) => [l.originId, l.id]));
    expect(filed.get(leadA.id)).toBe(refA.externalId);
    expect(filed.get(leadB.id)).toBe(refB.externalId);

    const after = (await storedTokens(fake))!;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(fake.liveRefreshTokens()).toContain(after.refresh_token);
    expect(fake.liveRefreshTokens()).not.toContain(before.refresh_token);
  });

  it("commits the rotated pair on its own, even when the job's transaction rolls back", async () => {
    const installed = await installedFake();
    fake = installed.fake;
    const adapter = new AmoCrmAdapter(installed.env, limiter, uow);
    await adapter.upsertLead(leadFixture(), syncContext());
    const before = (await storedTokens(fake))!;
    fake.expireAccessTokens();

    const jobFailure = failureOf(
      uow.run(async () => {
        await adapter.upsertLead(leadFixture(), syncContext());
        throw new Error('a later step of the job failed');
      }),
    );
    expect(await jobFailure).toEqual(new Error('a later step of the job failed'));

    expect(fake.refreshCalls()).toHaveLength(1);
    const after = (await storedTokens(fake))!;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(fake.liveRefreshTokens()).toContain(after.refresh_token);
    await new AmoCrmAdapter(installed.env, limiter, uow).upsertLead(leadFixture(), syncContext());
    expect(fake.refreshCalls()).toHaveLength(1);
  });

  it('a revoked refresh token is permanent, and the error names no token', async () => {
    const installed = await installedFake();
    fake = installed.fake;
    const adapter = new AmoCrmAdapter(installed.env, limiter, uow);
    fake.revokeIntegration();

    const error = (await failureOf(adapter.upsertLead(leadFixture(), syncContext()))) as Error;

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/re-authorize/);
    expect(error.message).not.toContain(installed.env.AMOCRM_REFRESH_TOKEN!);
    expect(error.message).not.toContain(installed.env.AMOCRM_ACCESS_TOKEN!);
    expect(fake.refreshCalls()).toHaveLength(1);
  });

  it('long-lived token mode: a 401 is permanent and never leads to a refresh', async () => {
    fake = new FakeAmoCrm({ externalIdFieldId: FIELD_ID, longLivedToken: 'llt-0123456789abcdef' });
    await fake.start();
    const env = testEnv({
      DATABASE_URL: base.DATABASE_URL,
      QUEUE_PREFIX: base.QUEUE_PREFIX,
      CRM_PROVIDER: 'amocrm',
      AMOCRM_BASE_URL: fake.baseUrl,
      AMOCRM_ACCESS_TOKEN: 'llt-0123456789abcdef',
      AMOCRM_EXTERNAL_ID_FIELD_ID: String(FIELD_ID),
      CRM_HTTP_TIMEOUT_MS: '500',
      AMOCRM_RATE_PER_SEC: '50',
    });
    const adapter = new AmoCrmAdapter(env, limiter, uow);
    await expect(adapter.upsertLead(leadFixture(), syncContext())).resolves.toMatchObject({
      externalId: expect.any(String),
    });

    fake.revokeIntegration();
    const error = (await failureOf(adapter.upsertLead(leadFixture(), syncContext()))) as Error;

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('401');
    expect(error.message).not.toContain('llt-0123456789abcdef');
    expect(fake.server.requests.filter((r) => r.path === '/oauth2/access_token')).toHaveLength(0);
    expect(await storedTokens(fake)).toBeUndefined();
  });
});

describe('amoCRM adapter: the wire', () => {
  let fake: FakeAmoCrm;
  let env: EnvironmentVariables;
  let adapter: AmoCrmAdapter;
  beforeEach(async () => {
    ({ fake, env } = await installedFake());
    adapter = new AmoCrmAdapter(env, limiter, uow);
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('429 honours retry_after from the body, else the Retry-After header, else waits at least a second', async () => {
    fake.retryAfterSec = 7;
    fake.fail('rate-limited');
    const fromBody = (await failureOf(adapter.upsertLead(leadFixture(), syncContext()))) as TransientError;
    expect(fromBody).toBeInstanceOf(TransientError);
    expect(fromBody.retryAfterMs).toBe(7000);

    fake.failRaw({ status: 429, headers: { 'retry-after': '3' }, body: '' });
    const fromHeader = (await failureOf(adapter.upsertLead(leadFixture(), syncContext()))) as TransientError;
    expect(fromHeader.retryAfterMs).toBe(3000);

    fake.failRaw({ status: 429, headers: { 'content-type': 'application/problem+json' }, body: { status: 429 } });
    const bare = (await failureOf(adapter.upsertLead(leadFixture(), syncContext()))) as TransientError;
    expect(bare.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(fake.leads()).toHaveLength(0);
  });

  it('a 204 from a search means "nothing found": a new contact is created, and a retry that finds nothing files once', async () => {
    const lead = leadFixture();
    const ref = await adapter.upsertLead(lead, syncContext(2));

    const searches = fake.answers.filter(
      (a) => a.method === 'GET' && ['/api/v4/contacts', '/api/v4/leads'].includes(a.path),
    );
    expect(searches.map((a) => [a.path, a.status])).toEqual([
      ['/api/v4/contacts', 204],
      ['/api/v4/leads', 204],
    ]);
    expect(fake.leads()).toEqual([expect.objectContaining({ id: ref.externalId, originId: lead.id })]);
    expect(fake.contacts()).toHaveLength(1);
    expect(fake.contacts()[0]).toMatchObject({ phone: lead.contact.phone, name: lead.contact.name });
  });

  it('files the lead the way amoCRM expects it: name, tags, responsible user, external id, note, hot task', async () => {
    const lead = leadFixture({ urgency: 'hot', channel: 'telegram' });
    const context = syncContext();
    const ref = await adapter.upsertLead(lead, context);

    const [complex] = fake.apiCalls('POST', /^\/api\/v4\/leads\/complex$/).map((r) => r.body);
    expect(complex).toEqual([
      expect.objectContaining({
        name: 'Telegram: booking — Катя',
        responsible_user_id: 9000042,
        custom_fields_values: [{ field_id: FIELD_ID, values: [{ value: lead.id }] }],
        request_id: lead.id,
      }),
    ]);
    expect(fake.tagsOf(ref.externalId)).toEqual(['telegram', 'booking']);
    const note = fake.comments(ref.externalId).join('\n');
    expect(note).toContain('Здравствуйте, можно на маникюр завтра в 5?');
    expect(note).toContain('горячий');
    expect(note).toContain('service: маникюр');
    const [task] = fake.apiCalls('POST', /^\/api\/v4\/tasks$/).map((r) => r.body[0]);
    expect(task).toMatchObject({
      entity_type: 'leads',
      entity_id: Number(ref.externalId),
      responsible_user_id: 9000042,
    });
    const deadline = task.complete_till * 1000 - Date.now();
    expect(deadline).toBeGreaterThan(14 * 60_000);
    expect(deadline).toBeLessThanOrEqual(15 * 60_000);
    expect(context.saved).toMatchObject({
      leadId: ref.externalId,
      contactId: expect.any(String),
      taskId: expect.any(String),
    });
    expect(ref.refs).toMatchObject({
      leadId: ref.externalId,
      contactId: context.saved.contactId,
      taskId: context.saved.taskId,
    });
  });

  it('a note whose answer was lost is not added twice by the retry', async () => {
    const lead = leadFixture({ urgency: 'hot' });
    fake.failRaw('drop-after', 1, (r) => r.method === 'POST' && r.path === '/api/v4/leads/notes');
    const context = syncContext(1);
    const error = await failureOf(adapter.upsertLead(lead, context));
    expect(error).toBeInstanceOf(AmoCrmTransientError);
    expect((error as AmoCrmTransientError).mayHaveReachedServer).toBe(true);
    expect(context.saved.leadId).toBeDefined();

    const ref = await adapter.upsertLead({ ...lead, crmRefs: { ...context.saved } }, syncContext(2, context.saved));

    expect(fake.leads()).toHaveLength(1);
    expect(fake.comments(ref.externalId)).toHaveLength(1);
    expect(fake.tasks(ref.externalId)).toHaveLength(1);
    expect(fake.apiCalls('POST', /^\/api\/v4\/leads\/complex$/)).toHaveLength(1);
  });

  it('a retry after an uncertain create finds the lead through the contact when the search index lags', async () => {
    const lead = leadFixture();
    fake.fail('created-then-dropped');
    await expect(adapter.upsertLead(lead, syncContext(1))).rejects.toBeInstanceOf(TransientError);
    // The lead search finds nothing yet (amoCRM indexes asynchronously); the contact search does.
    fake.failRaw({ status: 204 }, 1, (r) => r.method === 'GET' && r.path === '/api/v4/leads');

    const ref = await adapter.upsertLead(lead, syncContext(2));

    expect(fake.leads()).toHaveLength(1);
    expect(fake.leads()[0]).toMatchObject({ id: ref.externalId, originId: lead.id });
    expect(fake.comments(ref.externalId)).toHaveLength(1);
  });

  it('after a lead found by lookup, a lost task answer does not make a second task', async () => {
    const lead = leadFixture({ urgency: 'hot' });
    const saved: Record<string, string> = {};
    fake.fail('created-then-dropped');
    await expect(adapter.upsertLead(lead, syncContext(1, saved))).rejects.toBeInstanceOf(TransientError);
    fake.failRaw('drop-after', 1, (r) => r.method === 'POST' && r.path === '/api/v4/tasks');
    await expect(adapter.upsertLead({ ...lead, crmRefs: { ...saved } }, syncContext(2, saved))).rejects.toBeInstanceOf(
      TransientError,
    );

    const ref = await adapter.upsertLead({ ...lead, crmRefs: { ...saved } }, syncContext(3, saved));

    expect(fake.leads()).toHaveLength(1);
    expect(fake.comments(ref.externalId)).toHaveLength(1);
    expect(fake.tasks(ref.externalId)).toHaveLength(1);
    expect(fake.apiCalls('POST', /^\/api\/v4\/tasks$/)).toHaveLength(1);
  });

  it('a replay from dead letters (attempt 1 again) after an uncertain create finds the lead instead of filing it twice', async () => {
    const lead = leadFixture();
    const saved: Record<string, string> = {};
    fake.fail('created-then-dropped');
    await expect(adapter.upsertLead(lead, syncContext(1, saved))).rejects.toBeInstanceOf(TransientError);
    expect(saved).toMatchObject({ createSentAt: expect.stringMatching(/^\d+$/) });

    const ref = await adapter.upsertLead({ ...lead, crmRefs: { ...saved } }, syncContext(1, saved));

    expect(fake.leads()).toHaveLength(1);
    expect(fake.leads()[0]).toMatchObject({ id: ref.externalId, originId: lead.id });
  });

  it('402 and 403 block the account: dead letter at once (ProviderBlockedError), replayed by the redrive later', async () => {
    fake.fail('payment-required');
    const unpaid = await failureOf(adapter.upsertLead(leadFixture(), syncContext()));
    fake.fail('blocked');
    const blocked = await failureOf(adapter.upsertLead(leadFixture(), syncContext()));

    expect(unpaid).toBeInstanceOf(ProviderBlockedError);
    expect(unpaid).toMatchObject({ status: 402 });
    expect(blocked).toBeInstanceOf(ProviderBlockedError);
    expect(blocked).toMatchObject({ status: 403 });
    expect(fake.leads()).toHaveLength(0);
  });

  it('a 504 with an HTML body on the create is transient and marked as possibly applied', async () => {
    fake.failRaw(
      { status: 504, headers: { 'content-type': 'text/html' }, body: '<html><body>504 Gateway Time-out</body></html>' },
      1,
      (r) => r.path === '/api/v4/leads/complex',
    );
    const error = await failureOf(adapter.upsertLead(leadFixture(), syncContext()));

    expect(error).toBeInstanceOf(AmoCrmTransientError);
    expect(error).toMatchObject({ mayHaveReachedServer: true, status: 504 });
  });

  it('a rejected payload is permanent and says which field, never the phone or the name', async () => {
    const lead = leadFixture();
    fake.fail('validation');
    const error = (await failureOf(adapter.upsertLead(lead, syncContext()))) as Error;

    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('custom_fields_values.0.field_id');
    expect(error.message).not.toContain(lead.contact.phone!.slice(2));
    expect(error.message).not.toContain(lead.contact.name!);
  });

  it('a follow-up that turned hot gets one note and one task, also when its note answer was lost', async () => {
    const lead = leadFixture();
    const first = await adapter.upsertLead(lead, syncContext());
    expect(fake.tasks(first.externalId)).toHaveLength(0);
    const followUp = {
      ...lead,
      urgency: 'hot' as const,
      crmExternalId: first.externalId,
      crmRefs: first.refs,
      crmDeliveredAt: new Date(),
      transcript: [
        ...lead.transcript,
        { direction: 'in' as const, text: 'срочно, перезвоните!', at: new Date(Date.now() + 1000) },
      ],
    };
    fake.failRaw('drop-after', 1, (r) => r.method === 'POST' && r.path === '/api/v4/leads/notes');
    const tried = syncContext(1, { ...first.refs });
    await expect(adapter.upsertLead(followUp, tried)).rejects.toBeInstanceOf(TransientError);

    const again = await adapter.upsertLead({ ...followUp, crmRefs: { ...tried.saved } }, syncContext(2, tried.saved));
    // The delivery was not recorded (say the worker died after amoCRM took it), so the same sync runs once more.
    await adapter.upsertLead({ ...followUp, crmRefs: { ...tried.saved } }, syncContext(3, tried.saved));

    expect(again.externalId).toBe(first.externalId);
    expect(fake.leads()).toHaveLength(1);
    const notes = fake.comments(first.externalId);
    expect(notes).toHaveLength(2);
    expect(notes[1]).toContain('срочно, перезвоните!');
    expect(notes[1]).not.toContain('Здравствуйте, можно на маникюр');
    expect(fake.tasks(first.externalId)).toHaveLength(1);
  });

  it('takes a rate-limit token before every request, the token endpoint included', async () => {
    const counted: string[] = [];
    const counting = {
      acquire: async (account: string, rate: number, burst: number) => {
        counted.push(account);
        await limiter.acquire(account, rate, burst);
      },
    } as unknown as RedisRateLimiter;
    const gateway = new AmoCrmAdapter(env, counting, uow);
    fake.expireAccessTokens();

    await gateway.upsertLead(leadFixture({ urgency: 'hot' }), syncContext());

    expect(counted.length).toBe(fake.server.requests.length);
    expect(new Set(counted)).toEqual(new Set([new URL(fake.baseUrl).host]));
  });
});
