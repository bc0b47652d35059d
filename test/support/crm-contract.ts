import type { CrmGateway, CrmSyncContext } from '../../src/modules/crm';
import type { LeadForCrm } from '../../src/modules/leads';
import { PermanentError, TransientError } from '../../src/shared/domain-error';

/** Failures every CRM fake can be told to produce, named by what they mean rather than by wire format. */
export type CrmFailure =
  | 'rate-limited' // Bitrix24 QUERY_LIMIT_EXCEEDED (503) or OPERATION_TIME_LIMIT (429); amoCRM 429 with retry_after
  | 'server-error' // 500/502/504
  | 'timeout' // no answer before the client's timeout
  | 'created-then-dropped' // the create call takes effect, then the connection drops before the answer
  | 'created-late' // the create call sits in the provider's queue past the client's timeout, then takes effect
  | 'token-expired' // the access token expired: refresh once, then the call succeeds
  | 'credentials-revoked' // NO_AUTH_FOUND / INVALID_CREDENTIALS / amoCRM 401 after refresh
  | 'payment-required' // amoCRM 402, Bitrix24 PAYMENT_REQUIRED
  | 'blocked' // Bitrix24 OVERLOAD_LIMIT, ACCESS_DENIED; amoCRM 403
  | 'validation'; // the CRM rejects the payload (400)

export interface CrmFakeView {
  /** Leads (or deals) filed, with our origin id (lead id) as the CRM stores it. */
  leads(): Array<{ id: string; originId: string; contactId: string | null; title: string }>;
  contacts(): Array<{ id: string; phone: string | null; name: string | null }>;
  /** Timeline comments (Bitrix24) or notes (amoCRM) on a lead, by the CRM's lead id. */
  comments(crmLeadId: string): string[];
  tasks(crmLeadId: string): Array<{ text: string; deadline: Date }>;
  /** A contact the business already had. Returns its CRM id. */
  seedContact(phone: string, name: string): string;
  /** The next `times` calls (of the kind the failure concerns) fail this way. */
  fail(failure: CrmFailure, times?: number): void;
}

export interface CrmContractSubject {
  gateway: CrmGateway;
  fake: CrmFakeView;
  /** Failures this provider cannot produce (e.g. token-expired for a Bitrix24 incoming webhook). */
  unsupported?: CrmFailure[];
  stop(): Promise<void>;
}

let counter = 0;
/** A lead as the CRM sync use case hands it over. */
export function leadFixture(overrides: Partial<LeadForCrm> = {}): LeadForCrm {
  counter += 1;
  const at = new Date('2026-11-20T10:00:00Z');
  return {
    id: `00000000-0000-4000-8000-${String(Date.now() % 1e8).padStart(8, '0')}${String(counter).padStart(4, '0')}`,
    channel: 'webchat',
    intent: 'booking',
    urgency: 'cold',
    status: 'new',
    details: { service: 'маникюр', date: 'завтра', time: 'в 5' },
    contact: { id: 'contact-1', name: 'Катя', phone: `+7913${String(1000000 + counter).slice(-7)}` },
    transcript: [
      { direction: 'in', text: 'Здравствуйте, можно на маникюр завтра в 5?', at },
      { direction: 'out', text: 'Здравствуйте! Записываю на маникюр завтра в 5.', at },
    ],
    crmExternalId: null,
    crmRefs: {},
    crmDeliveredAt: null,
    ...overrides,
  };
}

/** A sync context that keeps the refs an adapter saves, as the database would. */
export function syncContext(
  attempt = 1,
  saved: Record<string, string> = {},
): CrmSyncContext & { saved: Record<string, string> } {
  return {
    attempt,
    saved,
    saveRefs: async (refs) => {
      Object.assign(saved, refs);
    },
  };
}

/**
 * The behaviour every CRM adapter owes the product, run against the real adapter and its provider's fake.
 */
export function crmGatewayContract(name: string, start: () => Promise<CrmContractSubject>): void {
  describe(`CrmGateway contract: ${name}`, () => {
    let subject: CrmContractSubject;
    beforeEach(async () => {
      subject = await start();
    });
    afterEach(async () => {
      await subject?.stop();
    });

    const supports = (failure: CrmFailure) => !(subject.unsupported ?? []).includes(failure);

    it('files a new lead with a new contact carrying the phone, keyed by our lead id', async () => {
      const lead = leadFixture();
      const ref = await subject.gateway.upsertLead(lead, syncContext());

      const leads = subject.fake.leads();
      expect(leads).toHaveLength(1);
      expect(leads[0]).toMatchObject({ id: ref.externalId, originId: lead.id });
      const contact = subject.fake.contacts().find((c) => c.id === leads[0].contactId);
      expect(contact?.phone?.replace(/\D/g, '')).toBe(lead.contact.phone!.replace(/\D/g, ''));
    });

    it('reuses the contact the CRM already has for that phone', async () => {
      const lead = leadFixture();
      const existing = subject.fake.seedContact(lead.contact.phone!, 'Екатерина');
      await subject.gateway.upsertLead(lead, syncContext());

      expect(subject.fake.contacts()).toHaveLength(1);
      expect(subject.fake.leads()[0].contactId).toBe(existing);
    });

    it('adds later messages as a comment on the same lead, never a second lead', async () => {
      const lead = leadFixture();
      const first = await subject.gateway.upsertLead(lead, syncContext());
      const later = new Date(Date.now() + 1000);
      const followUp = leadFixture({
        ...lead,
        crmExternalId: first.externalId,
        crmRefs: first.refs,
        crmDeliveredAt: new Date(Date.now()),
        transcript: [...lead.transcript, { direction: 'in', text: 'а можно к мастеру Ирине?', at: later }],
      });
      const second = await subject.gateway.upsertLead(followUp, syncContext());

      expect(second.externalId).toBe(first.externalId);
      expect(subject.fake.leads()).toHaveLength(1);
      expect(subject.fake.comments(first.externalId).join('\n')).toContain('а можно к мастеру Ирине?');
    });

    it('gives a hot lead a task for the manager, and a cold one none', async () => {
      const hot = await subject.gateway.upsertLead(leadFixture({ urgency: 'hot' }), syncContext());
      const cold = await subject.gateway.upsertLead(leadFixture({ urgency: 'cold' }), syncContext());

      const tasks = subject.fake.tasks(hot.externalId);
      expect(tasks).toHaveLength(1);
      expect(tasks[0].deadline.getTime()).toBeGreaterThan(Date.now());
      expect(subject.fake.tasks(cold.externalId)).toHaveLength(0);
    });

    it('created, then the connection dropped: the retry finds the lead instead of filing it twice', async () => {
      const lead = leadFixture();
      subject.fake.fail('created-then-dropped');
      const context = syncContext(1);
      await expect(subject.gateway.upsertLead(lead, context)).rejects.toBeInstanceOf(TransientError);

      const ref = await subject.gateway.upsertLead({ ...lead, crmRefs: context.saved }, syncContext(2, context.saved));
      expect(subject.fake.leads()).toHaveLength(1);
      expect(subject.fake.leads()[0].id).toBe(ref.externalId);
    });

    it('a create that lands after the client gave up is found by the retry, not filed twice', async () => {
      // The subject's create lands 1 s after it is sent; the client gives up at 0.5 s; the settle window is 1.5 s.
      const lead = leadFixture();
      subject.fake.fail('created-late');
      const context = syncContext(1);
      await expect(subject.gateway.upsertLead(lead, context)).rejects.toBeInstanceOf(TransientError);

      const ref = await subject.gateway.upsertLead({ ...lead, crmRefs: context.saved }, syncContext(2, context.saved));
      await new Promise((resolve) => setTimeout(resolve, 1000)); // any create still in flight has landed
      expect(subject.fake.leads()).toHaveLength(1);
      expect(subject.fake.leads()[0].id).toBe(ref.externalId);
    });

    it.each<[CrmFailure, 'transient' | 'permanent' | 'recovers']>([
      ['rate-limited', 'transient'],
      ['server-error', 'transient'],
      ['timeout', 'transient'],
      ['token-expired', 'recovers'],
      ['credentials-revoked', 'permanent'],
      ['payment-required', 'permanent'],
      ['blocked', 'permanent'],
      ['validation', 'permanent'],
    ])('%s is %s', async (failure, expected) => {
      if (!supports(failure)) return;
      // A failure that persists (three calls in a row), so that it surfaces through an adapter's own quick retries.
      subject.fake.fail(failure, expected === 'recovers' ? 1 : 3);
      const attempt = subject.gateway.upsertLead(leadFixture(), syncContext());
      if (expected === 'recovers') {
        await expect(attempt).resolves.toMatchObject({ externalId: expect.any(String) });
        expect(subject.fake.leads()).toHaveLength(1);
        return;
      }
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(expected === 'transient' ? TransientError : PermanentError);
      if (failure === 'rate-limited') expect((error as TransientError).retryAfterMs).toBeGreaterThan(0);
    });
  });
}
