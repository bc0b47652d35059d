import { randomUUID } from 'node:crypto';
import type { LlmChat, StructuredAnswer, StructuredRequest } from '../llm-chat';
import { httpFailure, parseJson, send, type HttpAnswer, type LlmFetch } from '../llm-http';
import type { GigaChatTokens } from './gigachat-tokens';

export interface GigaChatSettings {
  baseUrl: string;
  model: string;
  fetch: LlmFetch;
  tokens: GigaChatTokens;
}

interface GigaChatCompletion {
  choices?: Array<{
    message?: { content?: string; function_call?: { name?: string; arguments?: unknown } };
    finish_reason?: string;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * GigaChat's REST API (POST /chat/completions) with a forced function call: `functions` + `function_call: {name}`.
 * GigaChat returns the arguments as a JSON object (OpenAI sends a string), in `message.function_call`. A 401 means
 * the token was revoked or expired early: it is fetched again once and the call repeated once.
 */
export class GigaChatChat implements LlmChat {
  readonly model: string;
  readonly provider = 'gigachat';

  constructor(private readonly settings: GigaChatSettings) {
    this.model = settings.model;
  }

  open(onError: (error: unknown) => void): void {
    this.settings.tokens.keepFresh(onError);
  }

  close(): void {
    this.settings.tokens.stop();
  }

  async complete(request: StructuredRequest): Promise<StructuredAnswer> {
    const { description, ...parameters } = request.schema;
    const body = JSON.stringify({
      model: this.settings.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      functions: [{ name: request.name, description: String(description ?? ''), parameters }],
      function_call: { name: request.name },
      stream: false,
    });
    let token = await this.settings.tokens.token(request.signal);
    let answer = await this.post(token, body, request.signal);
    if (answer.status === 401) {
      await this.settings.tokens.discard(token);
      token = await this.settings.tokens.token(request.signal);
      answer = await this.post(token, body, request.signal);
    }
    if (answer.status !== 200) throw httpFailure(answer);

    const completion = (answer.body ?? {}) as GigaChatCompletion;
    const call = completion.choices?.[0]?.message?.function_call;
    const usage = completion.usage;
    return {
      value: call?.name === request.name ? argumentsOf(call.arguments) : undefined,
      usage: usage ? { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 } : null,
    };
  }

  private post(token: string, body: string, signal: AbortSignal): Promise<HttpAnswer> {
    return send(this.settings.fetch, `${this.settings.baseUrl.replace(/\/$/, '')}/chat/completions`, {
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'x-request-id': randomUUID(),
      },
      body,
      signal,
    });
  }
}

/** An object as documented; a JSON string as some versions and proxies send it. */
function argumentsOf(value: unknown): unknown {
  return typeof value === 'string' ? parseJson(value) : value;
}
