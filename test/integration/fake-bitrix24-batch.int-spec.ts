import { FakeBitrix24, methodsIn } from '../fakes/bitrix24/fake-bitrix24';

/**
 * The fake Bitrix24 portal itself, with plain fetch: the leaky bucket, `batch` as batch.md documents it, the
 * time a command takes and the per-method operating limit. No app needed.
 */
describe('FakeBitrix24: cloud limits and batch', () => {
  let fake: FakeBitrix24;
  let hook: string;
  /** A frozen clock the test moves on by hand (ms, a whole minute so the operating buckets line up). */
  let now: number;

  beforeEach(async () => {
    fake = new FakeBitrix24();
    hook = fake.webhookUrl(await fake.start());
    now = 1_800_000_000_000;
  });
  afterEach(async () => {
    await fake.stop();
  });

  const frozen = () => {
    fake.clock = () => now;
  };
  const post = async (method: string, body: unknown = {}) => {
    const response = await fetch(`${hook}${method}.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const batch = (cmd: Record<string, string> | string[], halt = 0) => post('batch', { halt, cmd });
  const contactCmd = (name: string) => `crm.contact.add?fields[NAME]=${encodeURIComponent(name)}`;

  describe('leaky bucket', () => {
    it('refuses the request past the burst with 503 QUERY_LIMIT_EXCEEDED, and lets calls in again as it drains', async () => {
      frozen();
      fake.burst = 5;
      fake.drainPerSec = 2;
      for (let i = 0; i < 5; i++) expect((await post('crm.settings.mode.get')).status).toBe(200);

      const refused = await post('crm.settings.mode.get');
      expect(refused).toEqual({
        status: 503,
        body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' },
      });
      expect(fake.bucketRefusals).toBe(1);
      expect(fake.commandCount('crm.settings.mode.get')).toBe(5); // the refused one did not run
      expect(fake.bucketCount()).toBe(5); // nor count (bucketCountsRefusals = false)

      now += 500; // drains one
      expect((await post('crm.settings.mode.get')).status).toBe(200);
      expect((await post('crm.settings.mode.get')).status).toBe(503);

      now += 3000; // drains six: empty
      expect(fake.bucketCount()).toBe(0);
      // A batch of 10 commands is one request.
      const cmd = Array.from({ length: 10 }, () => 'crm.settings.mode.get');
      expect((await batch(cmd)).status).toBe(200);
      expect(fake.bucketCount()).toBe(1);
      expect(fake.httpCalls()).toBe(9);
      expect(fake.bucketRefusals).toBe(2);
    });

    it('at cloud values lets 50 through at once and refuses the 51st; off by default', async () => {
      frozen();
      for (let i = 0; i < 60; i++) expect((await post('crm.settings.mode.get')).status).toBe(200);
      expect(fake.bucketRefusals).toBe(0);

      fake.useCloudLimits();
      expect([fake.drainPerSec, fake.burst]).toEqual([2, 50]);
      for (let i = 0; i < 50; i++) expect((await post('crm.settings.mode.get')).status).toBe(200);
      expect((await post('crm.settings.mode.get')).status).toBe(503);
      now += 1000; // two drain
      expect((await post('crm.settings.mode.get')).status).toBe(200);
      expect((await post('crm.settings.mode.get')).status).toBe(200);
      expect((await post('crm.settings.mode.get')).status).toBe(503);
    });

    it('can count refusals too, so a client that keeps hammering stays out longer', async () => {
      frozen();
      fake.burst = 2;
      fake.drainPerSec = 1;
      fake.bucketCountsRefusals = true;
      await post('crm.settings.mode.get');
      await post('crm.settings.mode.get');
      for (let i = 0; i < 3; i++) expect((await post('crm.settings.mode.get')).status).toBe(503);
      now += 1000;
      expect((await post('crm.settings.mode.get')).status).toBe(503); // 5 - 1 = 4: still above
      now += 4000;
      expect((await post('crm.settings.mode.get')).status).toBe(200);
    });
  });

  describe('batch', () => {
    it('runs 50 commands; the 51st is a per-command ERROR_BATCH_LENGTH_EXCEEDED (or the whole batch a 400)', async () => {
      const cmd = (n: number) =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, contactCmd(`N${i}`)]));

      const fifty = await batch(cmd(50));
      expect(fifty.status).toBe(200);
      expect(Object.keys(fifty.body.result.result)).toHaveLength(50);
      expect(fifty.body.result.result_error).toEqual([]);
      expect(fake.contacts()).toHaveLength(50);

      const fiftyOne = await batch(cmd(51));
      expect(fiftyOne.status).toBe(200);
      expect(Object.keys(fiftyOne.body.result.result)).toHaveLength(50);
      expect(fiftyOne.body.result.result_error).toEqual({
        c50: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
      });
      expect(fake.contacts()).toHaveLength(100);

      fake.batchOverflow = 'reject';
      const rejected = await batch(cmd(51));
      expect(rejected).toEqual({
        status: 400,
        body: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' },
      });
      expect(fake.contacts()).toHaveLength(100);
      expect((await batch(cmd(50))).status).toBe(200);
    });

    it('chains contact → lead → comment through $result[...], and answers in the documented shape', async () => {
      const phone = encodeURIComponent('+79990001122');
      const answer = await batch(
        {
          contact: `crm.contact.add?fields[NAME]=Анна&fields[PHONE][0][VALUE]=${phone}&fields[PHONE][0][VALUE_TYPE]=MOBILE`,
          lead: 'crm.lead.add?fields[TITLE]=Маникюр&fields[CONTACT_ID]=$result[contact]&fields[ORIGIN_ID]=o-1',
          found: 'crm.lead.list?filter[ORIGIN_ID]=o-1&select[]=ID&select[]=CONTACT_ID',
          comment:
            'crm.timeline.comment.add?fields[ENTITY_TYPE]=lead&fields[ENTITY_ID]=$result[found][0][ID]&fields[COMMENT]=Привет',
          task: 'tasks.task.add?fields[TITLE]=Позвонить&fields[RESPONSIBLE_ID]=1&fields[UF_CRM_TASK][]=L_$result[lead]',
          none: 'crm.lead.list?filter[ORIGIN_ID]=$result[task][task][title]', // "Позвонить": no lead
        },
        1,
      );

      expect(answer.status).toBe(200);
      const { result, time } = answer.body;
      const [lead] = fake.leads();
      expect(lead).toMatchObject({ originId: 'o-1', contactId: fake.contacts()[0].id });
      expect(result.result).toMatchObject({
        contact: Number(fake.contacts()[0].id),
        lead: Number(lead.id),
        found: [{ ID: lead.id, CONTACT_ID: fake.contacts()[0].id }],
        comment: expect.any(Number),
        task: { task: expect.objectContaining({ title: 'Позвонить', ufCrmTask: [`L_${lead.id}`] }) },
        none: [],
      });
      expect(fake.contacts()[0].phone).toBe('+79990001122');
      expect(fake.comments(lead.id)).toEqual(['Привет']);
      expect(fake.tasks(lead.id)).toHaveLength(1);
      expect(result.result_error).toEqual([]);
      expect(result.result_total).toEqual({ found: 1, none: 0 });
      expect(result.result_next).toEqual([]);
      expect(Object.keys(result.result_time)).toEqual(['contact', 'lead', 'found', 'comment', 'task', 'none']);
      for (const block of [time, ...Object.values(result.result_time)]) {
        expect(Object.keys(block as object).sort()).toEqual(
          [
            'date_finish',
            'date_start',
            'duration',
            'finish',
            'operating',
            'operating_reset_at',
            'processing',
            'start',
          ].sort(),
        );
      }
      // A whole-value reference keeps the referenced value's type.
      expect(fake.commands('crm.lead.add')[0].fields.CONTACT_ID).toBe(Number(fake.contacts()[0].id));
      expect(fake.commandCount()).toBe(6);
      expect(fake.writeCommandCount()).toBe(4);
      expect(fake.httpCalls()).toBe(1);
      expect(fake.calls('batch')).toHaveLength(1);
    });

    it('a reference to a failed command becomes an empty string, which fails the dependent command', async () => {
      const answer = await batch({
        bad: 'crm.lead.add?fields[TITLE]=x&fields[CONTACT_ID]=999',
        comment: 'crm.timeline.comment.add?fields[ENTITY_TYPE]=lead&fields[ENTITY_ID]=$result[bad]&fields[COMMENT]=x',
      });

      expect(answer.body.result.result).toEqual([]);
      expect(answer.body.result.result_error).toEqual({
        bad: { error: 'ERROR_CORE', error_description: 'Contact is not found' },
        comment: { error: 'OWNER_NOT_FOUND', error_description: 'Owner of the comment is not found' },
      });
      expect(answer.body.result.result_time).toEqual([]);
      expect(fake.commands('crm.timeline.comment.add')[0].fields.ENTITY_ID).toBe('');
    });

    it('halt=1 stops at the first failed command; halt=0 goes on', async () => {
      const cmd = {
        a: contactCmd('A'),
        b: 'crm.lead.add?fields[TITLE]=x&fields[CONTACT_ID]=999',
        c: contactCmd('C'),
      };
      const halted = await batch(cmd, 1);
      expect(halted.status).toBe(200);
      expect(Object.keys(halted.body.result.result)).toEqual(['a']);
      expect(Object.keys(halted.body.result.result_error)).toEqual(['b']);
      expect(Object.keys(halted.body.result.result_time)).toEqual(['a']);
      expect(fake.contacts().map((c) => c.name)).toEqual(['A']);

      const going = await batch(cmd, 0);
      expect(Object.keys(going.body.result.result)).toEqual(['a', 'c']);
      expect(going.body.result.result_error).toEqual({
        b: { error: 'ERROR_CORE', error_description: 'Contact is not found' },
      });
      expect(fake.contacts().map((c) => c.name)).toEqual(['A', 'A', 'C']);
      expect(fake.commandCount('crm.contact.add')).toBe(3);
      expect(fake.commandLog('crm.lead.add').map((c) => [c.via, c.key, c.ok, c.error])).toEqual([
        ['batch', 'b', false, 'ERROR_CORE'],
        ['batch', 'b', false, 'ERROR_CORE'],
      ]);
    });

    it('per-command injected errors: a result_error entry inside a batch, the status of the call outside', async () => {
      fake.failCommands('crm.lead.add', { error: 'ACCESS_DENIED', error_description: 'Access denied.' });
      fake.failCommands((method, params) => method === 'crm.contact.add' && params.fields?.NAME === 'B', {
        error: '',
        error_description: 'Access denied.',
        status: 403,
      });

      const answer = await batch({
        a: contactCmd('A'),
        b: contactCmd('B'),
        lead: 'crm.lead.add?fields[TITLE]=x',
        again: 'crm.lead.add?fields[TITLE]=y',
      });
      expect(answer.status).toBe(200);
      expect(answer.body.result.result_error).toEqual({
        b: { error: '', error_description: 'Access denied.' },
        lead: { error: 'ACCESS_DENIED', error_description: 'Access denied.' },
      });
      expect(Object.keys(answer.body.result.result)).toEqual(['a', 'again']); // each injected error fires once
      expect(fake.contacts().map((c) => c.name)).toEqual(['A']);

      fake.failCommands('crm.lead.add', { error: 'ERROR_CORE', error_description: 'Bad title' });
      expect(await post('crm.lead.add', { fields: { TITLE: 'z' } })).toEqual({
        status: 400,
        body: { error: 'ERROR_CORE', error_description: 'Bad title' },
      });
      fake.fail('validation');
      const validation = await batch([contactCmd('V')]);
      expect(validation.body.result.result_error).toEqual([
        { error: 'ERROR_CORE', error_description: 'The field Work e-mail contains an invalid address' },
      ]);
    });

    it('nested batch, unknown methods, array cmd, form-encoded bodies', async () => {
      const answer = await batch(['batch?cmd[0]=crm.settings.mode.get', 'crm.nope', 'crm.settings.mode.get']);
      expect(answer.body.result.result).toEqual({ 2: 1 }); // not keyed 0..n-1: an object, as PHP writes it
      expect(answer.body.result.result_error).toEqual([
        { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' },
        { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
      ]);

      const list = await batch([contactCmd('A'), 'crm.contact.list?select[0]=NAME&filter[NAME]=$result[0]']);
      expect(list.body.result.result).toEqual([expect.any(Number), []]); // keyed 0..n-1: a list

      const form = new URLSearchParams({
        halt: '1',
        'cmd[x]': 'crm.contact.add?fields[NAME]=F',
        'cmd[y]': 'crm.lead.add?fields[TITLE]=T&fields[CONTACT_ID]=$result[x]',
      });
      const response = await fetch(`${hook}batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      const body = (await response.json()) as any;
      expect(Object.keys(body.result.result)).toEqual(['x', 'y']);
      expect(fake.leads()[0].contactId).toBe(String(body.result.result.x));
      expect(methodsIn(fake.calls('batch').at(-1)!)).toEqual(['crm.contact.add', 'crm.lead.add']);
    });

    it('batch-level faults apply to the batch as a whole; drop-after runs every command, then loses the answer', async () => {
      fake.failWith('QUERY_LIMIT_EXCEEDED', 1, 'crm.lead.add'); // matches a batch holding crm.lead.add
      const limited = await batch({ c: contactCmd('A'), l: 'crm.lead.add?fields[TITLE]=x' });
      expect(limited.status).toBe(503);
      expect(fake.contacts()).toHaveLength(0);
      expect(fake.commandCount()).toBe(0);

      fake.failNext('drop-after', 1, (r) => methodsIn(r).includes('crm.lead.add'));
      await expect(
        batch({ c: contactCmd('A'), l: 'crm.lead.add?fields[TITLE]=x&fields[CONTACT_ID]=$result[c]' }),
      ).rejects.toThrow();
      expect(fake.contacts()).toHaveLength(1);
      expect(fake.leads()).toEqual([expect.objectContaining({ contactId: fake.contacts()[0].id })]);

      fake.fail('created-then-dropped'); // the contract's failure also finds a create inside a batch
      await expect(batch({ l: 'crm.lead.add?fields[TITLE]=y' })).rejects.toThrow();
      expect(fake.leads()).toHaveLength(2);
      expect(fake.httpCalls()).toBe(3);
    });
  });

  describe('time', () => {
    it('a batch takes the command time per command it runs, the commands landing one after another', async () => {
      fake.latencyMs = 40;
      let started = Date.now();
      await post('crm.settings.mode.get');
      expect(Date.now() - started).toBeGreaterThanOrEqual(38);

      started = Date.now();
      const answer = await batch(Array.from({ length: 5 }, (_, i) => contactCmd(`N${i}`)));
      expect(Date.now() - started).toBeGreaterThanOrEqual(195); // 5 × 40, not 40
      expect(answer.body.result.result_time[4].duration).toBeCloseTo(0.04);

      fake.latencyMs = 0;
      fake.commandLatencyMs = 60;
      started = Date.now();
      const inFlight = batch(Array.from({ length: 6 }, (_, i) => contactCmd(`M${i}`)));
      while (fake.contacts().length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(fake.contacts().length).toBeLessThan(11); // the first has landed, the last not yet
      await inFlight;
      expect(Date.now() - started).toBeGreaterThanOrEqual(355);
      expect(fake.contacts()).toHaveLength(11);
      // A single call takes the command time too.
      started = Date.now();
      await post('crm.settings.mode.get');
      expect(Date.now() - started).toBeGreaterThanOrEqual(58);
    });

    it('a method over its operating limit is refused until operating_reset_at; other methods go on', async () => {
      frozen();
      fake.operatingLimitSec = 1;
      fake.operatingCostMs = 400; // charged per command, without waiting
      const resetAt = 1_800_000_000 + 600; // the bucket of this minute drops off ten minutes on

      const operating: number[] = [];
      for (let i = 0; i < 3; i++) {
        const answer = await post('crm.lead.list');
        expect(answer.status).toBe(200);
        expect(answer.body.time.operating_reset_at).toBe(resetAt);
        operating.push(answer.body.time.operating);
      }
      expect(operating).toEqual([0.4, 0.8, 1.2]);
      expect(fake.operatingUsed('crm.lead.list')).toBeCloseTo(1.2);

      expect(await post('crm.lead.list')).toEqual({
        status: 429,
        body: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' },
      });
      const mixed = await batch({ leads: 'crm.lead.list', contacts: 'crm.contact.list' });
      expect(mixed.status).toBe(200);
      expect(mixed.body.result.result_error).toEqual({
        leads: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' },
      });
      expect(mixed.body.result.result).toEqual({ contacts: [] });
      expect(mixed.body.result.result_time.contacts).toMatchObject({ operating: 0.4, operating_reset_at: resetAt });
      expect(mixed.body.time.operating).toBe(0); // batch itself is not charged
      expect(fake.commandCount('crm.lead.list')).toBe(3); // refused ones did not run

      now += 5 * 60_000;
      expect((await post('crm.lead.list')).status).toBe(429);
      now = resetAt * 1000;
      const back = await post('crm.lead.list');
      expect(back.status).toBe(200);
      expect(back.body.time.operating).toBe(0.4);
    });

    it('keeps an operating_reset_at set by hand, as older tests do', async () => {
      fake.operatingResetAt = 1_900_000_000;
      expect((await post('crm.settings.mode.get')).body.time.operating_reset_at).toBe(1_900_000_000);
      const answer = await batch(['crm.settings.mode.get']);
      expect(answer.body.result.result_time[0].operating_reset_at).toBe(1_900_000_000);
    });
  });
});
