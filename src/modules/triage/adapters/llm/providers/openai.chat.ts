import { HumanMessage, SystemMessage, type AIMessageChunk } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';
import type { LlmChat, StructuredAnswer, StructuredRequest } from '../llm-chat';
import type { LlmFetch } from '../llm-http';
import { llmErrorFrom } from '../llm-triage.errors';

export interface OpenAiChatSettings {
  apiKey: string;
  model: string;
  /** Any OpenAI-compatible Chat Completions endpoint (a proxy, vLLM, Ollama, ...); unset: api.openai.com. */
  baseUrl?: string;
  timeoutMs: number;
  fetch: LlmFetch;
}

/**
 * The OpenAI Chat Completions wire format through LangChain. The answer comes back as a forced function call
 * (tools + tool_choice): that works on any server that speaks Chat Completions with tools, needs none of OpenAI's
 * strict-schema rules, and does not change with the model's name. One attempt, no retries.
 */
export class OpenAiChat implements LlmChat {
  readonly model: string;
  readonly provider = 'openai';
  private readonly chat: ChatOpenAI;
  private bound?: { name: string; runnable: Runnable<unknown, AIMessageChunk> };

  constructor(private readonly settings: OpenAiChatSettings) {
    this.model = settings.model;
    this.chat = new ChatOpenAI({
      apiKey: settings.apiKey,
      model: settings.model,
      temperature: 0,
      maxRetries: 0,
      // A backstop only: the caller's deadline ends the call first and says why.
      timeout: settings.timeoutMs + 1000,
      configuration: { baseURL: settings.baseUrl, fetch: settings.fetch },
    });
  }

  async complete(request: StructuredRequest): Promise<StructuredAnswer> {
    let message: AIMessageChunk;
    try {
      message = await this.toolBound(request).invoke(
        [new SystemMessage(request.system), new HumanMessage(request.user)],
        { signal: request.signal },
      );
    } catch (error) {
      throw llmErrorFrom(error, request.signal.aborted);
    }
    const usage = message.usage_metadata;
    return {
      // Arguments that are not JSON land in invalid_tool_calls; prose has no tool call at all.
      value: message.tool_calls?.find((call) => call.name === request.name)?.args,
      usage: usage ? { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } : null,
    };
  }

  private toolBound(request: StructuredRequest): Runnable<unknown, AIMessageChunk> {
    if (this.bound?.name !== request.name) {
      const { description, ...parameters } = request.schema;
      const tool = {
        type: 'function' as const,
        function: { name: request.name, description: String(description ?? ''), parameters },
      };
      this.bound = {
        name: request.name,
        runnable: this.chat.bindTools([tool], {
          tool_choice: { type: 'function', function: { name: request.name } },
        }) as Runnable<unknown, AIMessageChunk>,
      };
    }
    return this.bound.runnable;
  }
}
