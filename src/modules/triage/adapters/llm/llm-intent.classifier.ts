import { inSpan } from '../../../../observability/trace-context';
import type { BusinessPreset } from '../../domain/business-presets';
import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier, type ClassificationContext } from '../../ports/intent-classifier.port';
import type { LlmSpendMeter } from '../../ports/llm-spend.port';
import type { LlmChat } from './llm-chat';
import { llmErrorFrom, LlmTriageError } from './llm-triage.errors';
import { toTriageResult } from './llm-triage.mapper';
import { buildTriagePrompt } from './llm-triage.prompt';
import { llmTriageSchema, TRIAGE_FUNCTION, TRIAGE_JSON_SCHEMA } from './llm-triage.schema';

export interface LlmTriageSettings {
  /** The longest one call may take. */
  timeoutMs: number;
  /** Replace phones, e-mails and names before anything leaves for the provider. */
  maskPii: boolean;
  preset: BusinessPreset;
}

/**
 * Triage by an LLM, whichever provider speaks for it (`LlmChat`): the same prompt, the same schema, the same
 * validation and mapping for OpenAI, GigaChat and YandexGPT. The tokens of every answer are metered. One attempt,
 * no retries: the hybrid classifier decides what happens after a failure.
 */
export class LlmIntentClassifier extends IntentClassifier {
  override readonly readsContext = true;

  constructor(
    private readonly chat: LlmChat,
    private readonly settings: LlmTriageSettings,
    private readonly spend?: LlmSpendMeter,
  ) {
    super();
  }

  /** Throws LlmTriageError on a timeout, an HTTP error or an answer that does not fit the schema. */
  async classify(text: string, context?: ClassificationContext, signal?: AbortSignal): Promise<TriageResult> {
    const prompt = buildTriagePrompt({
      preset: this.settings.preset,
      text,
      recentMessages: context?.recentMessages,
      dialog: context?.dialog,
      knownNames: context?.knownNames,
      maskPii: this.settings.maskPii,
    });
    const deadline = AbortSignal.timeout(this.settings.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    // Attribute names from OpenTelemetry's GenAI conventions; no text goes on the span.
    const attributes = { 'gen_ai.system': this.chat.provider, 'gen_ai.request.model': this.chat.model };
    const answer = await inSpan('llm.triage', attributes, async (span) => {
      try {
        const answered = await this.chat.complete({
          system: prompt.system,
          user: prompt.user,
          name: TRIAGE_FUNCTION,
          schema: TRIAGE_JSON_SCHEMA,
          signal: combined,
        });
        span.setAttributes({
          'gen_ai.usage.input_tokens': answered.usage?.inputTokens ?? 0,
          'gen_ai.usage.output_tokens': answered.usage?.outputTokens ?? 0,
        });
        return answered;
      } catch (error) {
        throw llmErrorFrom(error, combined.aborted);
      }
    });
    if (answer.usage) this.spend?.meter({ provider: this.chat.provider, model: this.chat.model, ...answer.usage });
    const parsed = llmTriageSchema.safeParse(answer.value);
    if (!parsed.success) throw new LlmTriageError('invalid-output');
    return toTriageResult(parsed.data, text, this.settings.maskPii);
  }
}
