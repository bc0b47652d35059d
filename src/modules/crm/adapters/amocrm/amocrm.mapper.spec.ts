import type { LeadForCrm } from '../../../leads';
import { retryAfterMs, validationSummary } from './amocrm.client';
import {
  HOT_TASK_PREFIX,
  MAX_NOTE_TEXT,
  complexLeadPayload,
  contactHasPhone,
  embeddedItems,
  externalIdOf,
  followUpNoteText,
  hotTaskPayload,
  lastMessageAt,
  leadName,
  leadNoteText,
  mainContactId,
  messagesAfter,
  notePayload,
  parseComplexResult,
  phoneSearchQuery,
  type AmoMappingConfig,
} from './amocrm.mapper';

const at = (iso: string) => new Date(iso);

function lead(overrides: Partial<LeadForCrm> = {}): LeadForCrm {
  return {
    id: '6f1c2a9e-1111-4000-8000-000000000001',
    channel: 'webchat',
    intent: 'booking',
    urgency: 'cold',
    status: 'new',
    details: { service: 'маникюр', date: 'завтра', master: '' },
    contact: { id: 'c-1', name: 'Катя', phone: '+79131234567' },
    transcript: [
      { direction: 'in', text: 'Можно на маникюр завтра?', at: at('2026-11-20T10:00:00Z') },
      { direction: 'out', text: 'Да, во сколько удобно?', at: at('2026-11-20T10:00:05Z') },
    ],
    crmExternalId: null,
    crmRefs: {},
    crmDeliveredAt: null,
    ...overrides,
  };
}

const config: AmoMappingConfig = {
  pipelineId: 1113,
  statusId: 2030,
  responsibleUserId: 9000001,
  externalIdFieldId: 1278898021,
  taskDeadlineMinutes: 15,
};

describe('amoCRM mapping', () => {
  describe('complexLeadPayload', () => {
    it('files one lead with our id in the external-id field, the config ids, tags and a new contact with the phone', () => {
      expect(complexLeadPayload(lead(), config, null)).toEqual([
        {
          name: 'Веб-чат: booking — Катя',
          pipeline_id: 1113,
          status_id: 2030,
          responsible_user_id: 9000001,
          custom_fields_values: [{ field_id: 1278898021, values: [{ value: '6f1c2a9e-1111-4000-8000-000000000001' }] }],
          _embedded: {
            tags: [{ name: 'webchat' }, { name: 'booking' }],
            contacts: [
              {
                first_name: 'Катя',
                custom_fields_values: [{ field_code: 'PHONE', values: [{ value: '+79131234567', enum_code: 'WORK' }] }],
              },
            ],
          },
          request_id: '6f1c2a9e-1111-4000-8000-000000000001',
        },
      ]);
    });

    it('links the contact amoCRM already has by id', () => {
      const [item] = complexLeadPayload(lead(), config, 12117258);
      expect((item._embedded as Record<string, unknown>).contacts).toEqual([{ id: 12117258 }]);
    });

    it('leaves out what is not configured', () => {
      const [item] = complexLeadPayload(lead(), { taskDeadlineMinutes: 15 }, null);
      expect(Object.keys(item).sort()).toEqual(['_embedded', 'name', 'request_id']);
    });

    it('names an anonymous contact after the channel and files no contact when there is nothing to file', () => {
      const [anonymous] = complexLeadPayload(
        lead({ contact: { id: 'c', name: null, phone: '+79131234567' } }),
        config,
        null,
      );
      expect((anonymous._embedded as { contacts: Array<Record<string, unknown>> }).contacts[0]).toMatchObject({
        name: 'Клиент (Веб-чат)',
      });
      const [nobody] = complexLeadPayload(lead({ contact: { id: 'c', name: null, phone: null } }), config, null);
      expect((nobody._embedded as Record<string, unknown>).contacts).toBeUndefined();
    });

    it('caps long lead names', () => {
      expect(leadName(lead({ contact: { id: 'c', name: 'Я'.repeat(400), phone: null } })).length).toBeLessThanOrEqual(
        250,
      );
    });
  });

  describe('parseComplexResult', () => {
    it('reads the lead and contact ids', () => {
      expect(
        parseComplexResult([{ id: 9774766, contact_id: 12117258, company_id: null, request_id: ['x'], merged: false }]),
      ).toEqual({ leadId: 9774766, contactId: 12117258, merged: false });
    });

    it('returns null for an answer without a lead id', () => {
      expect(parseComplexResult([])).toBeNull();
      expect(parseComplexResult({ id: 1 })).toBeNull();
      expect(parseComplexResult([{ contact_id: 5 }])).toBeNull();
    });

    it('has no contact id when none was linked', () => {
      expect(parseComplexResult([{ id: 7, contact_id: null }])).toMatchObject({ leadId: 7, contactId: null });
    });
  });

  describe('notes', () => {
    it('carries intent, hot/cold, the filled details and the conversation', () => {
      const text = leadNoteText(lead({ urgency: 'hot', status: 'escalated' }));
      expect(text).toContain('Намерение: booking');
      expect(text).toContain('Срочность: горячий (нужен менеджер)');
      expect(text).toContain('• service: маникюр');
      expect(text).not.toContain('master');
      expect(text).toContain('Клиент: Можно на маникюр завтра?');
      expect(text).toContain('Бот: Да, во сколько удобно?');
      expect(leadNoteText(lead())).toContain('Срочность: холодный');
    });

    it('keeps the newest lines of a long conversation within the cap', () => {
      const transcript = Array.from({ length: 400 }, (_, i) => ({
        direction: 'in' as const,
        text: `сообщение ${i} ${'x'.repeat(80)}`,
        at: new Date(Date.UTC(2026, 10, 20, 10, 0, i)),
      }));
      const text = leadNoteText(lead({ transcript }));
      expect(text.length).toBeLessThanOrEqual(MAX_NOTE_TEXT);
      expect(text).toContain('сообщение 399');
      expect(text).not.toContain('сообщение 0 ');
      expect(text).toContain('…');
    });

    it('a follow-up note has only the new messages', () => {
      const later = { direction: 'in' as const, text: 'а к Ирине можно?', at: at('2026-11-20T11:00:00Z') };
      const text = followUpNoteText(lead(), [later]);
      expect(text).toContain('Клиент: а к Ирине можно?');
      expect(text).not.toContain('Можно на маникюр завтра?');
    });

    it('builds the notes body', () => {
      expect(notePayload(17, 'текст', 'r-1')).toEqual([
        { entity_id: 17, note_type: 'common', params: { text: 'текст' }, request_id: 'r-1' },
      ]);
    });
  });

  describe('messagesAfter / lastMessageAt', () => {
    const transcript = lead().transcript;
    it('keeps the messages strictly newer than the watermark', () => {
      expect(messagesAfter(transcript, at('2026-11-20T10:00:00Z')).map((m) => m.text)).toEqual([
        'Да, во сколько удобно?',
      ]);
      expect(messagesAfter(transcript, null)).toHaveLength(2);
      expect(messagesAfter(transcript, new Date('garbage'))).toHaveLength(2);
    });

    it('finds the newest message time', () => {
      expect(lastMessageAt(transcript)).toBe('2026-11-20T10:00:05.000Z');
      expect(lastMessageAt([])).toBeNull();
    });
  });

  describe('hotTaskPayload', () => {
    it('is a call task on the lead, due the configured minutes from now, for the responsible user', () => {
      const now = Date.UTC(2026, 10, 20, 10, 0, 0);
      const [task] = hotTaskPayload(lead({ urgency: 'hot' }), 9774766, config, now);
      expect(task).toEqual({
        text: expect.stringMatching(new RegExp(`^${HOT_TASK_PREFIX}: booking`)),
        complete_till: now / 1000 + 15 * 60,
        entity_type: 'leads',
        entity_id: 9774766,
        task_type_id: 1,
        request_id: '6f1c2a9e-1111-4000-8000-000000000001:hot-task',
        responsible_user_id: 9000001,
      });
      expect(task.text).toContain('+79131234567');
    });

    it('leaves the responsible user to amoCRM when not configured', () => {
      const [task] = hotTaskPayload(lead(), 1, { taskDeadlineMinutes: 30 }, 0);
      expect(task.responsible_user_id).toBeUndefined();
      expect(task.complete_till).toBe(1800);
    });
  });

  describe('reading amoCRM answers', () => {
    it('reads the external id from the custom field', () => {
      const amoLead = {
        id: 1,
        custom_fields_values: [
          { field_id: 5, values: [{ value: 'other' }] },
          { field_id: 1278898021, values: [{ value: 'ours' }] },
        ],
      };
      expect(externalIdOf(amoLead, 1278898021)).toBe('ours');
      expect(externalIdOf({ id: 2, custom_fields_values: null }, 1278898021)).toBeNull();
    });

    it('finds the main contact', () => {
      expect(mainContactId({ id: 1, _embedded: { contacts: [{ id: 3 }, { id: 4, is_main: true }] } })).toBe(4);
      expect(mainContactId({ id: 1, _embedded: { contacts: [{ id: 3 }] } })).toBe(3);
      expect(mainContactId({ id: 1 })).toBeNull();
    });

    it('reads HAL collections, and nothing from a 204', () => {
      const body = { _embedded: { notes: [{ id: 70000001 }, { id: 70000002 }] } };
      expect(embeddedItems(body, 'notes')).toHaveLength(2);
      expect(embeddedItems(null, 'contacts')).toEqual([]);
    });
  });

  describe('phones', () => {
    it('searches by the national number', () => {
      expect(phoneSearchQuery('+79131234567')).toBe('9131234567');
      expect(phoneSearchQuery('+77011234567')).toBe('7011234567');
    });

    it('accepts a hit only when a PHONE value is the same number in any spelling', () => {
      const contact = (value: string) => ({
        id: 1,
        custom_fields_values: [{ field_code: 'PHONE', values: [{ value, enum_code: 'MOB' }] }],
      });
      expect(contactHasPhone(contact('+7 (913) 123-45-67'), '+79131234567')).toBe(true);
      expect(contactHasPhone(contact('8 913 123 45 67'), '+79131234567')).toBe(true);
      expect(contactHasPhone(contact('9131234567'), '+79131234567')).toBe(true);
      expect(contactHasPhone(contact('+7 913 123 45 68'), '+79131234567')).toBe(false);
      expect(contactHasPhone(contact('1234567891312345670000'), '+79131234567')).toBe(false);
      const noPhone = { id: 1, custom_fields_values: [{ field_code: 'EMAIL', values: [{ value: '9131234567' }] }] };
      expect(contactHasPhone(noPhone, '+79131234567')).toBe(false);
    });
  });

  describe('client error helpers', () => {
    it('retry_after: body seconds, then the header, never under a second', () => {
      expect(retryAfterMs({ retry_after: 300 }, null)).toBe(300_000);
      expect(retryAfterMs({ retry_after: '2' }, '9')).toBe(2000);
      expect(retryAfterMs(null, '5')).toBe(5000);
      expect(retryAfterMs({ retry_after: 0.2 }, null)).toBe(1000);
      const now = Date.UTC(2026, 10, 20, 10, 0, 0);
      expect(retryAfterMs(null, new Date(now + 4000).toUTCString(), now)).toBe(4000);
      expect(retryAfterMs(null, null)).toBe(1000);
      expect(retryAfterMs('not json', 'soon')).toBe(1000);
    });

    it('summarizes validation errors by path and code only', () => {
      const body = {
        'validation-errors': [
          {
            request_id: '0',
            errors: [
              { code: 'NotSupportedChoice', path: 'custom_fields_values.0.field_id', detail: 'value +79131234567' },
            ],
          },
        ],
      };
      expect(validationSummary(body)).toBe('custom_fields_values.0.field_id: NotSupportedChoice');
      expect(validationSummary({ title: 'Bad Request' })).toBe('');
    });
  });
});
