import type { LeadForCrm } from '../../../leads';
import {
  bitrixDateTime,
  contactFields,
  crmBinding,
  dealFields,
  followUpComment,
  formatTranscript,
  leadFields,
  newMessages,
  parseSourceIds,
  sourceIdFor,
  taskFields,
  type Bitrix24MappingOptions,
} from './bitrix24.mapper';

const at = (iso: string) => new Date(iso);

function lead(overrides: Partial<LeadForCrm> = {}): LeadForCrm {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    channel: 'telegram',
    intent: 'booking',
    urgency: 'hot',
    status: 'new',
    details: { service: 'маникюр', date: 'завтра' },
    contact: { id: 'c-1', name: 'Катя', phone: '+79131234567' },
    transcript: [
      { direction: 'in', text: 'Можно на маникюр завтра?', at: at('2026-11-20T10:00:00Z') },
      { direction: 'out', text: 'Да, во сколько удобно?', at: at('2026-11-20T10:00:05Z') },
      { direction: 'in', text: 'В 5', at: at('2026-11-20T10:01:00Z') },
    ],
    crmExternalId: null,
    crmRefs: {},
    crmDeliveredAt: null,
    ...overrides,
  };
}

const options: Bitrix24MappingOptions = { sourceIds: {}, zone: 'Asia/Krasnoyarsk' };

describe('Bitrix24 mapper', () => {
  it('maps a lead to crm.lead.add fields keyed by our lead id', () => {
    const fields = leadFields(lead(), '12', { ...options, assignedById: 7 });

    expect(fields).toMatchObject({
      TITLE: 'Telegram: booking, Катя',
      NAME: 'Катя',
      PHONE: [{ VALUE: '+79131234567', VALUE_TYPE: 'MOBILE' }],
      SOURCE_ID: 'OTHER',
      SOURCE_DESCRIPTION: 'Volna: Telegram',
      ORIGINATOR_ID: 'volna',
      ORIGIN_ID: '00000000-0000-4000-8000-000000000001',
      CONTACT_ID: '12',
      ASSIGNED_BY_ID: 7,
    });
    expect(fields.COMMENTS).toContain('Запрос: booking');
    expect(fields.COMMENTS).toContain('Срочность: горячий');
    expect(fields.COMMENTS).toContain('Детали: service: маникюр; date: завтра');
    expect(fields.COMMENTS).toContain('Клиент: Можно на маникюр завтра?');
  });

  it('leaves out what is unknown instead of sending empty values', () => {
    const fields = leadFields(lead({ contact: { id: 'c-2', name: null, phone: null } }), '12', options);

    expect(fields).not.toHaveProperty('NAME');
    expect(fields).not.toHaveProperty('PHONE');
    expect(fields).not.toHaveProperty('IM');
    expect(fields).not.toHaveProperty('ASSIGNED_BY_ID');
    expect(fields.TITLE).toBe('Telegram: booking, без имени');
  });

  it('files a WhatsApp number as IM of type OTHER, since Bitrix24 has no WhatsApp type', () => {
    expect(leadFields(lead({ channel: 'whatsapp' }), '1', options).IM).toEqual([
      { VALUE: '+79131234567', VALUE_TYPE: 'OTHER' },
    ]);
  });

  it('gives a deal the origin fields and contact but no person fields', () => {
    const fields = dealFields(lead(), '12', options);

    expect(fields).toMatchObject({ ORIGINATOR_ID: 'volna', ORIGIN_ID: lead().id, CONTACT_ID: '12' });
    expect(fields).not.toHaveProperty('NAME');
    expect(fields).not.toHaveProperty('PHONE');
  });

  it('maps the contact with its phone and our contact id as origin', () => {
    expect(contactFields(lead(), options)).toEqual({
      NAME: 'Катя',
      PHONE: [{ VALUE: '+79131234567', VALUE_TYPE: 'MOBILE' }],
      SOURCE_ID: 'OTHER',
      ORIGINATOR_ID: 'volna',
      ORIGIN_ID: 'c-1',
    });
  });

  it('picks SOURCE_ID from the configured map, else WEB for the web chat and OTHER for the rest', () => {
    const configured = parseSourceIds('{"telegram":"UC_TG","vk":7}');

    expect(configured).toEqual({ telegram: 'UC_TG' });
    expect(sourceIdFor('telegram', configured)).toBe('UC_TG');
    expect(sourceIdFor('webchat', configured)).toBe('WEB');
    expect(sourceIdFor('vk', configured)).toBe('OTHER');
    expect(parseSourceIds(undefined)).toEqual({});
    expect(parseSourceIds('["WEB"]')).toEqual({});
  });

  it('formats the transcript in the business time zone, cutting the oldest part of a long one', () => {
    expect(formatTranscript(lead().transcript.slice(0, 2), 'Asia/Krasnoyarsk')).toBe(
      '[20.11 17:00] Клиент: Можно на маникюр завтра?\n[20.11 17:00] Бот: Да, во сколько удобно?',
    );
    const long = Array.from({ length: 500 }, (_, i) => ({
      direction: 'in' as const,
      text: `сообщение ${i} ${'x'.repeat(60)}`,
      at: at('2026-11-20T10:00:00Z'),
    }));
    const text = formatTranscript(long, 'UTC');
    expect(text.length).toBeLessThanOrEqual(20001);
    expect(text.startsWith('…')).toBe(true);
    expect(text).toContain('сообщение 499');
  });

  it('a follow-up comment holds only the messages after the last delivery', () => {
    const followUp = lead({ crmDeliveredAt: at('2026-11-20T10:00:30Z') });

    expect(newMessages(followUp).map((m) => m.text)).toEqual(['В 5']);
    const comment = followUpComment(followUp, 'UTC')!;
    expect(comment).toContain('В 5');
    expect(comment).not.toContain('Можно на маникюр');
    expect(followUpComment(lead({ crmDeliveredAt: at('2026-11-21T00:00:00Z') }), 'UTC')).toBeNull();
  });

  it('builds a task bound to the lead or deal, due at the given time with an explicit offset', () => {
    const deadline = at('2026-11-20T10:15:00Z');
    const fields = taskFields(lead(), { entity: 'lead', id: '101' }, 7, deadline, 'Asia/Krasnoyarsk');

    expect(fields).toMatchObject({ RESPONSIBLE_ID: 7, DEADLINE: '2026-11-20T17:15:00+07:00', UF_CRM_TASK: ['L_101'] });
    expect(Date.parse(fields.DEADLINE as string)).toBe(deadline.getTime());
    expect(fields.DESCRIPTION).toContain('Телефон: +79131234567');
    expect(fields.DESCRIPTION).toContain('Последнее сообщение: В 5');
    expect(crmBinding('deal', '5')).toBe('D_5');
    expect(bitrixDateTime(at('2026-01-01T00:00:00.900Z'), 'UTC')).toBe('2026-01-01T00:00:00+00:00');
  });
});
