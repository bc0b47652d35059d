import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import type { BusinessPreset } from '../../domain/business-presets';
import type { TriageResult } from '../../domain/triage-result';
import { IntentClassifier, type ClassificationContext } from '../../ports/intent-classifier.port';
import { llmErrorFrom, LlmTriageError } from './llm-triage.errors';
import { toTriageResult } from './llm-triage.mapper';
import { buildTriagePrompt } from './llm-triage.prompt';
import { llmTriageSchema, TRIAGE_FUNCTION } from './llm-triage.schema';

export interface LlmTriageSettings {
  apiKey: string;
  model: string;
  /** Any OpenAI-compatible Chat Completions endpoint (a proxy, vLLM, Ollama, ...); unset: api.openai.com. */
  baseUrl?: string;
  /** The longest one call may take. */
  timeoutMs: number;
  /** Replace phone numbers before anything leaves for the provider. */
  maskPii: boolean;
  preset: BusinessPreset;
}

/**
 * Triage by an LLM through LangChain. The answer comes back as a forced function call (tools + tool_choice): that
 * works on any server that speaks Chat Completions with tools, needs none of OpenAI's strict-schema rules, and does
 * not change with the model's name (LangChain's default would switch to json_schema for some names). One attempt,
 * no retries: the hybrid classifier decides what happens after a failure.
 */
export class LlmIntentClassifier extends IntentClassifier {
  private readonly model: Runnable;

  constructor(private readonly settings: LlmTriageSettings) {
    super();
    const chat = new ChatOpenAI({
      apiKey: settings.apiKey,
      model: settings.model,
      temperature: 0,
      maxRetries: 0,
      // A backstop only: the deadline signal below ends the call first and says why.
      timeout: settings.timeoutMs + 1000,
      configuration: { baseURL: settings.baseUrl },
    });
    this.model = chat.withStructuredOutput(llmTriageSchema, { name: TRIAGE_FUNCTION, method: 'functionCalling' });
  }

  /** Throws LlmTriageError on a timeout, an HTTP error or an answer that does not fit the schema. */
  async classify(text: string, context?: ClassificationContext, signal?: AbortSignal): Promise<TriageResult> {
    const prompt = buildTriagePrompt({
      preset: this.settings.preset,
      text,
      recentMessages: context?.recentMessages,
      dialog: context?.dialog,
      maskPii: this.settings.maskPii,
    });
    const deadline = AbortSignal.timeout(this.settings.timeoutMs);
    let answer: unknown;
    try {
      answer = await this.model.invoke([new SystemMessage(prompt.system), new HumanMessage(prompt.user)], {
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
    } catch (error) {
      throw llmErrorFrom(error, deadline.aborted || Boolean(signal?.aborted));
    }
    // No function call at all comes back as undefined, not as an error: validate here whatever arrived.
    const parsed = llmTriageSchema.safeParse(answer);
    if (!parsed.success) throw new LlmTriageError('invalid-output');
    return toTriageResult(parsed.data, text, this.settings.maskPii);
  }
}
