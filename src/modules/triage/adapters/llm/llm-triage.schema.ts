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
