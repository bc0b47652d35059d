import type { Client } from 'pg';
import { LeadsFacade, type ClientMessage, type LeadAssessment } from '../../src/modules/leads';
import { UnitOfWork } from '../../src/shared/unit-of-work';
import { startApp, type RunningApp } from '../support/app-harness';
import { connectDatabase, testEnv } from '../support/test-env';

/**
 * A client often sends two messages in a row, and both are read before either is written. The lead must still
 * end up refined by both: what the first one changed (an escalation, a detail) is never overwritten by the second
 * working from the lead as it was when it was read. `refineLead`'s rules themselves are unit-tested in the domain.
 */
describe('a lead refined by messages read at the same time', () => {
  let running: RunningApp;
  let db: Client;
  let leads: LeadsFacade;
  let uow: UnitOfWork;
  const sync = { topic: 'crm.sync', traceContext: {} };
  let n = 0;

  beforeAll(async () => {
    const env = testEnv({ APP_ROLE: 'api', LOG_LEVEL: 'error' }); // no workers: the test plays triage itself
    running = await startApp(env);
    leads = running.app.get(LeadsFacade, { strict: false });
    uow = running.app.get(UnitOfWork, { strict: false });
    db = await connectDatabase(env.DATABASE_URL);
  });
  afterAll(async () => {
    await db?.end();
    await running?.close();
  });

  async function conversationWithTwoMessages(): Promise<[ClientMessage, ClientMessage]> {
    n += 1;
    const user = `lead-race-${n}`;
    const ids: string[] = [];
    for (const text of ['Здравствуйте, хочу на стрижку в субботу', 'у меня аллергия на краску, можно?']) {
      const accepted = await leads.acceptInbound(
        { channel: 'webchat', externalUserId: user, threadId: user, providerMessageId: `${user}-${ids.length}`, text },
        sync,
      );
      ids.push(accepted.messageId);
    }
    const read = await Promise.all(ids.map((id) => leads.findClientMessage(id)));
    return read as [ClientMessage, ClientMessage];
  }

  const assess = (message: ClientMessage, assessment: LeadAssessment) =>
    uow.run(() => leads.assess(message, { intent: assessment.intent }, assessment, 'local', sync));

  const leadOf = async (conversationId: string) =>
    (
      await db.query('SELECT intent, urgency, escalate, status, details FROM leads WHERE conversation_id = $1', [
        conversationId,
      ])
    ).rows;

  it('both first messages of a conversation, read before any lead existed, make one lead with both refinements', async () => {
    const [first, second] = await conversationWithTwoMessages();
    expect(first.lead).toBeNull();
    expect(second.lead).toBeNull();

    await assess(first, { intent: 'book', urgency: 'hot', escalate: false, details: { service: 'стрижка' } });
    await assess(second, { intent: 'other', urgency: 'cold', escalate: true, details: { note: 'аллергия' } });

    expect(await leadOf(first.conversationId)).toEqual([
      {
        intent: 'book',
        urgency: 'hot',
        escalate: true,
        status: 'escalated',
        details: { service: 'стрижка', note: 'аллергия' },
      },
    ]);
  });

  it('a message read before the previous one escalated the lead does not undo the escalation', async () => {
    const [first, second] = await conversationWithTwoMessages();
    await assess(first, { intent: 'book', urgency: 'cold', escalate: false, details: {} });
    const stale = (await leads.findClientMessage(second.id))!; // sees the lead as booking, cold
    expect(stale.lead).toMatchObject({ intent: 'book', escalate: false });
    await assess(first, { intent: 'consultation', urgency: 'hot', escalate: true, details: { reason: 'allergy' } });

    await assess(stale, { intent: 'price', urgency: 'cold', escalate: false, details: { service: 'стрижка' } });

    expect(await leadOf(first.conversationId)).toEqual([
      {
        intent: 'price',
        urgency: 'hot',
        escalate: true,
        status: 'escalated',
        details: { reason: 'allergy', service: 'стрижка' },
      },
    ]);
  });

  it('every write has a CRM sync for the lead: one pending at a time, which a later write joins', async () => {
    const [first, second] = await conversationWithTwoMessages();
    const a = await assess(first, { intent: 'book', urgency: 'hot', escalate: false, details: {} });
    const b = await assess(second, { intent: 'price', urgency: 'cold', escalate: false, details: {} });
    expect(b.leadId).toBe(a.leadId);
    expect(b.followUpId).toBe(a.followUpId);
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE topic = 'crm.sync' AND payload->>'leadId' = $1`,
      [a.leadId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('a reply written with a lead that lost the race is written once, with the lead that won', async () => {
    const [first, second] = await conversationWithTwoMessages();
    await assess(first, { intent: 'book', urgency: 'cold', escalate: false, details: {} });
    const stale = (await leads.findClientMessage(second.id))!;
    await assess(first, { intent: 'book', urgency: 'hot', escalate: false, details: { time: '18:00' } });

    const send = { topic: 'reply.send.webchat', traceContext: {} };
    const written = await uow.run(() =>
      leads.assess(stale, {}, { intent: 'price', urgency: 'cold', escalate: false, details: {} }, 'local', sync, {
        text: 'Стрижка — от 1500 ₽',
        buttons: [],
        send,
      }),
    );

    const replies = await db.query(`SELECT id FROM messages WHERE conversation_id = $1 AND direction = 'out'`, [
      first.conversationId,
    ]);
    expect(replies.rows).toHaveLength(1);
    const { rows } = await db.query(`SELECT id, payload FROM outbox WHERE topic = 'reply.send.webchat' AND id = $1`, [
      written.replyFollowUpId,
    ]);
    expect(rows).toEqual([{ id: written.replyFollowUpId, payload: { messageId: replies.rows[0].id } }]);
    expect((await leadOf(first.conversationId))[0]).toMatchObject({ urgency: 'hot', details: { time: '18:00' } });
  });
});
