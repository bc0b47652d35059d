import { normalizeText } from '../../domain/russian-text';
import { extractName, extractPhone } from '../../domain/triage-slots';
import { byPriority, type TriageResult, type TriageSlots } from '../../domain/triage-result';
import { withSafetyNet } from '../../domain/understand-message';
import type { LlmTriage } from './llm-triage.schema';

/**
 * Turns the model's validated answer into a TriageResult. The model only saw the message with phones and names
 * masked, so those come from the local extractors on the original text. Date, time and name must be verbatim parts of the
 * message (the replies quote them): a value the model rephrased or invented is dropped.
 */
export function toTriageResult(answer: LlmTriage, originalText: string, masked: boolean): TriageResult {
  const slots: TriageSlots = {};
  if (answer.intent !== 'spam') {
    const given = answer.slots ?? {};
    const haystack = originalText.toLocaleLowerCase('ru');
    const verbatim = (value: string | null | undefined): string | undefined => {
      const v = value?.trim();
      return v && haystack.includes(v.toLocaleLowerCase('ru')) ? v : undefined;
    };
    const service = given.service?.trim();
    if (service) slots.service = service;
    for (const key of ['date', 'time'] as const) {
      const value = verbatim(given[key]);
      if (value) slots[key] = value;
    }
    const name = masked ? extractName(normalizeText(originalText)) : verbatim(given.name);
    if (name) slots.name = name;
    const phone = extractPhone(originalText) ?? (masked ? undefined : verbatim(given.phone));
    if (phone) slots.phone = phone;
  }
  const others = (answer.intents ?? []).filter((i) => i !== answer.intent && i !== 'spam');
  return withSafetyNet(
    {
      intent: answer.intent,
      intents: answer.intent === 'spam' ? ['spam'] : [answer.intent, ...byPriority(others)],
      confidence: answer.confidence,
      urgency: answer.urgency,
      escalate: answer.escalate,
      slots,
      source: 'llm',
    },
    originalText,
  );
}
