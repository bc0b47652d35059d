import { z } from 'zod';
import { INTENTS } from '../../domain/triage-result';

/** A slot the model may leave out or send as null. */
const slot = (description: string) => z.string().nullish().describe(description);

/**
 * What the model must return for one message. LangChain turns it into the function's JSON schema, and the answer is
 * validated against it again before anything uses it.
 */
export const llmTriageSchema = z
  .object({
    intent: z.enum(INTENTS).describe('the primary intent, by the priority rules'),
    intents: z
      .array(z.enum(INTENTS))
      .nullish()
      .describe('every intent the new message asks for, primary first (price and address asked with a booking too)'),
    confidence: z.number().min(0).max(1).describe('how sure you are of the intent, 0..1'),
    urgency: z.enum(['hot', 'cold']),
    escalate: z.boolean().describe('true when a human must take over'),
    slots: z
      .object({
        service: slot('short normalised Russian noun phrase'),
        date: slot('verbatim from the message'),
        time: slot('verbatim from the message'),
        name: slot("the customer's name, verbatim; never a staff member"),
        phone: slot('verbatim from the message'),
      })
      .nullish()
      .describe('only what the message states; omit the rest'),
  })
  .describe('Triage of one customer message');

export type LlmTriage = z.infer<typeof llmTriageSchema>;

/** The name of the function the model is made to call. */
export const TRIAGE_FUNCTION = 'triage';

/**
 * The schema as plain JSON Schema for every provider: optional fields instead of `null` types and unions, which GigaChat's
 * functions and YandexGPT's jsonSchema do not all accept; the answer is validated against the zod schema anyway.
 */
export const TRIAGE_JSON_SCHEMA = withoutNullUnions(z.toJSONSchema(llmTriageSchema, { target: 'draft-7' }));

function withoutNullUnions(node: unknown): Record<string, unknown> {
  return plain(node) as Record<string, unknown>;
}

function plain(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plain);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).filter(([key]) => key !== '$schema');
  const object: Record<string, unknown> = Object.fromEntries(entries.map(([key, value]) => [key, plain(value)]));
  if (Array.isArray(object.type)) {
    const types = (object.type as string[]).filter((type) => type !== 'null');
    object.type = types.length === 1 ? types[0] : types;
  }
  const union = object.anyOf as Array<Record<string, unknown>> | undefined;
  if (Array.isArray(union)) {
    const kept = union.filter((member) => member.type !== 'null');
    if (kept.length === 1) {
      delete object.anyOf;
      return { ...kept[0], ...object };
    }
  }
  return object;
}
