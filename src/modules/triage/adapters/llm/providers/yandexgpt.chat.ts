import type { LlmChat, StructuredAnswer, StructuredRequest } from '../llm-chat';
import { httpFailure, parseJson, send, type LlmFetch } from '../llm-http';

export type YandexCredentials = { apiKey: string } | { iamToken: string };

export interface YandexGptSettings {
  baseUrl: string;
  credentials: YandexCredentials;
  /** gpt://FOLDER/MODEL */
  modelUri: string;
  folderId?: string;
  fetch: LlmFetch;
}

interface YandexCompletion {
  result?: {
    alternatives?: Array<{ message?: { text?: string }; status?: string }>;
    /** int64 counters come as strings. */
    usage?: { inputTextTokens?: string | number; completionTokens?: string | number };
  };
}

/** How many tokens the JSON answer may take; a triage object is about 100. */
const MAX_ANSWER_TOKENS = '500';

/**
 * YandexGPT's native Text Generation API (POST /foundationModels/v1/completion) with structured output: the answer
 * must fit `jsonSchema` and comes back as JSON text in the first alternative. Every request carries
 * `x-data-logging-enabled: false`, or Yandex keeps the request data for training and debugging.
 */
export class YandexGptChat implements LlmChat {
  readonly model: string;
  readonly provider = 'yandexgpt';

  constructor(private readonly settings: YandexGptSettings) {
    this.model = settings.modelUri;
  }

  async complete(request: StructuredRequest): Promise<StructuredAnswer> {
    const { credentials } = this.settings;
    const headers: Record<string, string> = {
      authorization: 'apiKey' in credentials ? `Api-Key ${credentials.apiKey}` : `Bearer ${credentials.iamToken}`,
      'content-type': 'application/json',
      'x-data-logging-enabled': 'false',
    };
    // Needed with a user account's IAM token; harmless with a service account's key when it names the same folder.
    if (this.settings.folderId) headers['x-folder-id'] = this.settings.folderId;
    const answer = await send(
      this.settings.fetch,
      `${this.settings.baseUrl.replace(/\/$/, '')}/foundationModels/v1/completion`,
      {
        headers,
        body: JSON.stringify({
          modelUri: this.settings.modelUri,
          completionOptions: { stream: false, temperature: 0, maxTokens: MAX_ANSWER_TOKENS },
          messages: [
            { role: 'system', text: request.system },
            { role: 'user', text: request.user },
          ],
          jsonSchema: { schema: request.schema },
        }),
        signal: request.signal,
      },
    );
    if (answer.status !== 200) throw httpFailure(answer);

    const result = (answer.body as YandexCompletion | undefined)?.result;
    const text = result?.alternatives?.[0]?.message?.text;
    const usage = result?.usage;
    return {
      value: text === undefined ? undefined : parseJson(withoutCodeFence(text)),
      usage: usage
        ? { inputTokens: Number(usage.inputTextTokens ?? 0), outputTokens: Number(usage.completionTokens ?? 0) }
        : null,
    };
  }
}

/** Models sometimes wrap JSON in a ```json fence even when asked for JSON only. */
function withoutCodeFence(text: string): string {
  return text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
}

/** gpt://FOLDER/MODEL from YANDEXGPT_MODEL, which may already be a whole URI. */
export function yandexModelUri(model: string, folderId: string | undefined): string {
  return model.startsWith('gpt://') ? model : `gpt://${folderId}/${model}`;
}
