import { toTriageResult } from './llm-triage.mapper';
import { llmTriageSchema, type LlmTriage } from './llm-triage.schema';

const answer = (over: Partial<LlmTriage>): LlmTriage => ({
  intent: 'booking',
  confidence: 0.9,
  urgency: 'hot',
  escalate: false,
  slots: {},
  ...over,
});

describe('toTriageResult', () => {
  const text = 'можно к стоматологу на лечение кариеса в пт к 10ти? меня зовут дмитрий, 8 913 123 45 67';

  it('keeps the verbatim slots, the normalised service, and marks the LLM as the source', () => {
    const result = toTriageResult(
      answer({ slots: { service: 'лечение кариеса', date: 'в пт', time: 'к 10ти', name: 'Дмитрий' } }),
      text,
      false,
    );
    expect(result).toEqual({
      intent: 'booking',
      intents: ['booking'],
      lang: 'ru',
      confidence: 0.9,
      urgency: 'hot',
      escalate: false,
      slots: { service: 'лечение кариеса', date: 'в пт', time: 'к 10ти', name: 'Дмитрий', phone: '8 913 123 45 67' },
      source: 'llm',
    });
  });

  it('drops date, time and name the message does not contain, and nulls', () => {
    const result = toTriageResult(
      answer({ slots: { date: 'пятница', time: null, name: 'Дмитрий Иванов', service: '  ' } }),
      text,
      false,
    );
    expect(result.slots).toEqual({ phone: '8 913 123 45 67' });
  });

  it('takes the name from the original text when the model saw it masked', () => {
    const result = toTriageResult(answer({ slots: { name: '[имя]' } }), text, true);
    expect(result.slots).toEqual({ name: 'дмитрий', phone: '8 913 123 45 67' });
  });

  it('takes the phone from the original text, never from a model that saw it masked', () => {
    expect(toTriageResult(answer({ slots: { phone: '[телефон]' } }), 'перезвоните', true).slots).toEqual({});
    expect(toTriageResult(answer({ slots: { phone: '271-40-18' } }), 'звоните 271-40-18', false).slots).toEqual({
      phone: '271-40-18',
    });
  });

  it('gives spam no slots', () => {
    expect(toTriageResult(answer({ intent: 'spam', slots: { service: 'seo' } }), text, true).slots).toEqual({});
  });
});

describe('llmTriageSchema', () => {
  it('accepts a complete answer, missing slots and null slots', () => {
    expect(llmTriageSchema.safeParse(answer({})).success).toBe(true);
    expect(llmTriageSchema.safeParse({ ...answer({}), slots: null }).success).toBe(true);
    expect(llmTriageSchema.safeParse({ ...answer({}), slots: { date: null } }).success).toBe(true);
  });

  it.each([
    ['an unknown intent', { intent: 'purchase' }],
    ['confidence above 1', { confidence: 7 }],
    ['an unknown urgency', { urgency: 'warm' }],
    ['escalate as a string', { escalate: 'yes' }],
    ['slots as a string', { slots: 'none' }],
  ])('rejects %s', (_, over) => {
    expect(llmTriageSchema.safeParse({ ...answer({}), ...over }).success).toBe(false);
  });

  it('rejects an empty answer', () => {
    expect(llmTriageSchema.safeParse(undefined).success).toBe(false);
  });
});
