import { Bitrix24CrmAdapter } from '../../src/modules/crm/adapters/bitrix24/bitrix24-crm.adapter';
import { Bitrix24Client, mayHaveReachedBitrix24 } from '../../src/modules/crm/adapters/bitrix24/bitrix24.client';
import { RedisRateLimiter } from '../../src/redis/redis-rate-limiter';
import type { LeadForCrm } from '../../src/modules/leads';
import { PermanentError, TransientError } from '../../src/shared/domain-error';
import { FakeBitrix24 } from '../fakes/bitrix24/fake-bitrix24';
import { crmGatewayContract, leadFixture, syncContext, type CrmFailure } from '../support/crm-contract';
import { testEnv } from '../support/test-env';

interface Portal {
  fake: FakeBitrix24;
  adapter: Bitrix24CrmAdapter;
  client: Bitrix24Client;
  stop(): Promise<void>;
}

async function startPortal(overrides: Record<string, string> = {}, webhook = (url: string) => url): Promise<Portal> {
  const fake = new FakeBitrix24('1', 'secretcode');
  const base = await fake.start();
  const env = testEnv({
    CRM_PROVIDER: 'bitrix24',
    BITRIX24_WEBHOOK_URL: webhook(`${base}/rest/1/secretcode/`),
    CRM_HTTP_TIMEOUT_MS: '500',
    CRM_CREATE_SETTLE_MS: '1500',
    BITRIX24_RATE_PER_SEC: '50',
    ...overrides,
  });
  const limiter = new RedisRateLimiter(env);
  return {
    fake,
    adapter: new Bitrix24CrmAdapter(env, limiter),
    client: new Bitrix24Client(env, limiter),
    stop: async () => {
      limiter.onModuleDestroy();
      await fake.stop();
    },
  };
}

async function failure(attempt: Promise<unknown>): Promise<Error> {
  return attempt.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Error) => error,
  );
}

crmGatewayContract('bitrix24', async () => {
  const portal = await startPortal();
  return { gateway: portal.adapter, fake: portal.fake, unsupported: ['token-expired'], stop: portal.stop };
});

describe('Bitrix24 adapter against the fake portal', () => {
  let portal: Portal | undefined;
  const start = async (overrides: Record<string, string> = {}, webhook?: (url: string) => string) => {
    portal = await startPortal(overrides, webhook);
    return portal;
  };
  afterEach(async () => {
    await portal?.stop();
    portal = undefined;
  });

  it('files a deal on a portal in simple CRM mode, with the task and later comments on that deal', async () => {
    const { fake, adapter } = await start();
    fake.simpleMode = true;
    const lead = leadFixture({ urgency: 'hot' });

    const ref = await adapter.upsertLead(lead, syncContext());
    expect(ref.refs).toMatchObject({ entity: 'deal', dealId: ref.externalId, taskId: expect.any(String) });
    expect(fake.calls('crm.lead.add')).toHaveLength(0);
    expect(fake.calls('crm.deal.add')[0].body.fields).toMatchObject({ ORIGINATOR_ID: 'volna', ORIGIN_ID: lead.id });
    expect(fake.leads()).toEqual([expect.objectContaining({ id: ref.externalId, originId: lead.id })]);
    expect(fake.calls('tasks.task.add')[0].body.fields.UF_CRM_TASK).toEqual([`D_${ref.externalId}`]);

    const followUp: LeadForCrm = {
      ...lead,
      crmExternalId: ref.externalId,
      crmRefs: ref.refs,
      crmDeliveredAt: new Date(),
      transcript: [...lead.transcript, { direction: 'in', text: 'и педикюр тоже', at: new Date(Date.now() + 1000) }],
    };
    await adapter.upsertLead(followUp, syncContext());
    expect(fake.comments(ref.externalId).join('\n')).toContain('и педикюр тоже');
    expect(fake.calls('crm.timeline.comment.add')[0].body.fields).toMatchObject({ ENTITY_TYPE: 'deal' });
    expect(fake.tasks(ref.externalId)).toHaveLength(1);
    expect(fake.calls('crm.settings.mode.get')).toHaveLength(1);
  });

  it('in simple mode the retry after a dropped create finds the deal by origin id', async () => {
    const { fake, adapter } = await start();
    fake.simpleMode = true;
    const lead = leadFixture();
    fake.fail('created-then-dropped');
    const context = syncContext(1);
    await expect(adapter.upsertLead(lead, context)).rejects.toBeInstanceOf(TransientError);

    const ref = await adapter.upsertLead({ ...lead, crmRefs: context.saved }, syncContext(2, context.saved));
    expect(fake.calls('crm.deal.list')[0].body.filter).toEqual({ ORIGINATOR_ID: 'volna', ORIGIN_ID: lead.id });
    expect(fake.leads()).toEqual([expect.objectContaining({ id: ref.externalId })]);
  });

  it('OPERATION_TIME_LIMIT is transient, retried after the operating_reset_at the portal last reported', async () => {
    const { fake, adapter } = await start();
    const resetAt = Math.floor(Date.now() / 1000) + 120;
    fake.operatingResetAt = resetAt;
    await adapter.upsertLead(leadFixture(), syncContext());

    fake.failWith('OPERATION_TIME_LIMIT', 1, 'crm.lead.add');
    const error = await failure(adapter.upsertLead(leadFixture(), syncContext()));

    expect(error).toBeInstanceOf(TransientError);
    const expected = resetAt * 1000 - Date.now();
    expect((error as TransientError).retryAfterMs).toBeGreaterThanOrEqual(expected - 1000);
    expect((error as TransientError).retryAfterMs).toBeLessThanOrEqual(expected + 2000);
  });

  it('OPERATION_TIME_LIMIT with no reset time known waits 10 s', async () => {
    const { fake, adapter } = await start();
    fake.failWith('OPERATION_TIME_LIMIT', 1, 'crm.lead.add');

    const error = await failure(adapter.upsertLead(leadFixture(), syncContext()));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(10000);
  });

  it('QUERY_LIMIT_EXCEEDED is transient with a hint of at least a second; OVERLOAD_LIMIT (same 503) is permanent', async () => {
    const { fake, adapter } = await start();
    fake.failWith('QUERY_LIMIT_EXCEEDED', 3); // reads are asked again twice before the error surfaces
    const limited = await failure(adapter.upsertLead(leadFixture(), syncContext()));
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBeGreaterThanOrEqual(1000);

    fake.failWith('OVERLOAD_LIMIT');
    const blocked = await failure(adapter.upsertLead(leadFixture(), syncContext()));
    expect(blocked).toBeInstanceOf(PermanentError);
    expect(blocked.message).toContain('OVERLOAD_LIMIT');
  });

  it('a wrong webhook code is a permanent INVALID_CREDENTIALS', async () => {
    const { adapter } = await start({}, (url) => url.replace('secretcode', 'wrongcode'));

    const error = await failure(adapter.upsertLead(leadFixture(), syncContext()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('INVALID_CREDENTIALS');
  });

  it('keeps the calls to the configured rate: 5/s with a burst of 1 makes 6 calls take at least a second', async () => {
    const { fake, client } = await start({ BITRIX24_RATE_PER_SEC: '5', BITRIX24_RATE_BURST: '1' });

    const started = Date.now();
    for (let i = 0; i < 6; i++) await client.call('crm.settings.mode.get');
    const elapsed = Date.now() - started;

    expect(fake.calls('crm.settings.mode.get')).toHaveLength(6);
    expect(elapsed).toBeGreaterThanOrEqual(995); // Redis TIME is read to the millisecond
  });

  it('marks a timeout or a dropped answer as uncertain, a rejected call as certain', async () => {
    const { fake, client } = await start();
    fake.failNext('hang', 3);
    expect(mayHaveReachedBitrix24(await failure(client.call('crm.settings.mode.get')))).toBe(true);
    fake.failNext('drop-after', 3);
    expect(mayHaveReachedBitrix24(await failure(client.call('crm.settings.mode.get')))).toBe(true);
    fake.failWith('INTERNAL_SERVER_ERROR', 3);
    expect(mayHaveReachedBitrix24(await failure(client.call('crm.settings.mode.get')))).toBe(true);
    fake.failWith('QUERY_LIMIT_EXCEEDED', 3);
    expect(mayHaveReachedBitrix24(await failure(client.call('crm.settings.mode.get')))).toBe(false);
  });

  it('a non-JSON answer (a proxy error page) is transient', async () => {
    const { fake, client } = await start();
    fake.failNext({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad Gateway</html>' }, 3);

    expect(await failure(client.call('crm.settings.mode.get'))).toBeInstanceOf(TransientError);
  });

  it('retries after a dropped task creation find the task instead of adding a second one', async () => {
    const { fake, adapter } = await start();
    const lead = leadFixture({ urgency: 'hot' });
    fake.failNext('drop-after', 1, (r) => r.path.endsWith('/tasks.task.add.json'));
    const context = syncContext(1);
    await expect(adapter.upsertLead(lead, context)).rejects.toBeInstanceOf(TransientError);
    expect(context.saved).toMatchObject({ leadId: expect.any(String), taskUncertain: '1' });

    const ref = await adapter.upsertLead({ ...lead, crmRefs: context.saved }, syncContext(2, context.saved));
    expect(fake.tasks(ref.externalId)).toHaveLength(1);
    expect(fake.calls('tasks.task.add')).toHaveLength(1);
    expect(ref.refs.taskId).toEqual(expect.any(String));
    expect(ref.refs).not.toHaveProperty('taskUncertain');
  });

  it('a follow-up retried after a dropped comment adds the comment once', async () => {
    const { fake, adapter } = await start();
    const lead = leadFixture();
    const first = await adapter.upsertLead(lead, syncContext());
    const followUp: LeadForCrm = {
      ...lead,
      crmExternalId: first.externalId,
      crmRefs: first.refs,
      crmDeliveredAt: new Date(),
      transcript: [...lead.transcript, { direction: 'in', text: 'а в субботу?', at: new Date(Date.now() + 1000) }],
    };
    fake.failNext('drop-after', 1, (r) => r.path.endsWith('/crm.timeline.comment.add.json'));
    await expect(adapter.upsertLead(followUp, syncContext(1))).rejects.toBeInstanceOf(TransientError);

    await adapter.upsertLead(followUp, syncContext(2));
    expect(fake.comments(first.externalId)).toHaveLength(1);
    expect(fake.leads()).toHaveLength(1);
  });

  it('files a client without a phone once: the contact is found again by our contact id', async () => {
    const { fake, adapter } = await start();
    const contact = { id: 'contact-no-phone', name: 'Оля', phone: null };
    await adapter.upsertLead(leadFixture({ contact }), syncContext());
    await adapter.upsertLead(leadFixture({ contact }), syncContext());

    expect(fake.contacts()).toHaveLength(1);
    expect(fake.leads().map((l) => l.contactId)).toEqual([fake.contacts()[0].id, fake.contacts()[0].id]);
  });

  it('sends the responsible user, the source per channel and the deadline the configuration asks for', async () => {
    const { fake, adapter } = await start({
      BITRIX24_ASSIGNED_BY_ID: '7',
      BITRIX24_SOURCE_IDS: '{"telegram":"UC_TELEGRAM"}',
      CRM_TASK_DEADLINE_MINUTES: '30',
    });
    await adapter.upsertLead(leadFixture({ channel: 'telegram', urgency: 'hot' }), syncContext());

    expect(fake.calls('crm.lead.add')[0].body.fields).toMatchObject({ ASSIGNED_BY_ID: 7, SOURCE_ID: 'UC_TELEGRAM' });
    const task = fake.calls('tasks.task.add')[0].body.fields;
    expect(task.RESPONSIBLE_ID).toBe(7);
    const minutes = (Date.parse(task.DEADLINE) - Date.now()) / 60000;
    expect(minutes).toBeGreaterThan(28);
    expect(minutes).toBeLessThanOrEqual(30);
  });

  it('a hot lead without a configured manager gives the task to the webhook user', async () => {
    const { fake, adapter } = await start();
    await adapter.upsertLead(leadFixture({ urgency: 'hot' }), syncContext());

    expect(fake.calls('tasks.task.add')[0].body.fields.RESPONSIBLE_ID).toBe(1);
  });

  it('error messages never contain the webhook code, the phone or the name', async () => {
    const { fake, adapter } = await start();
    const lead = leadFixture({ contact: { id: 'c-secret', name: 'Секретная Анна', phone: '+79990001122' } });
    const messages: string[] = [];
    const record = async () => messages.push((await failure(adapter.upsertLead(lead, syncContext()))).message);

    const failures: CrmFailure[] = [
      'rate-limited',
      'server-error',
      'timeout',
      'created-then-dropped',
      'credentials-revoked',
      'payment-required',
      'blocked',
      'validation',
    ];
    for (const kind of failures) {
      fake.fail(kind, 3);
      await record();
    }
    fake.failNext({
      status: 400,
      body: { error: 'ERROR_CORE', error_description: 'Телефон +7 999 000-11-22 уже занят (anna@example.ru)' },
    });
    await record();
    fake.failNext({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>/rest/1/secretcode/</html>' });
    await record();

    expect(messages).toHaveLength(failures.length + 2);
    for (const message of messages) {
      expect(message).not.toMatch(/secretcode|\/rest\/1\/|9990001122|999 000-11-22|Анна|anna@example/);
    }
  });
});
