import { randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

export const FAKE_OPENAI_KEY = 'sk-test-fake-openai-key';

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | Array<{ type: string; text?: string }> | null;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: object } }>;
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: { name: string } };
  stream?: boolean;
  temperature?: number;
}

/** The model's "decision" for a request: the object it returns as the function's arguments (or JSON content). */
export type ModelScript = (request: ChatCompletionRequest) => Record<string, unknown>;

/**
 * Answers that are not what was asked for, as weak or overloaded models give them: no function call but prose, a
 * function call whose arguments are not JSON, JSON that does not fit the schema.
 */
export type GarbageKind = 'prose' | 'broken-json' | 'off-schema';

/** Error bodies as api.openai.com sends them. */
const ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: {
    message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  429: {
    message:
      'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: null },
};

/** An OpenAI error answer; use with `failNext` for scripted 429s and 5xx. */
export function openAiError(status: keyof typeof ERRORS, message?: string): FakeResponse {
  const error = ERRORS[status];
  const headers: Record<string, string> = { 'x-request-id': `req_${randomBytes(12).toString('hex')}` };
  if (status === 429) Object.assign(headers, { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' });
  return {
    status,
    headers,
    body: { error: { message: message ?? error.message, type: error.type, param: null, code: error.code } },
  };
}

/** The text of a message, whether sent as a string or as content parts. */
export function textOf(message: ChatMessage | undefined): string {
  if (!message?.content) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => part.text ?? '').join('');
}

/** The last user turn of a request. */
export function lastUserContent(request: ChatCompletionRequest): string {
  return textOf([...request.messages].reverse().find((m) => m.role === 'user'));
}

/** Every word the request sent to the model: system and user turns joined. */
export function promptOf(request: ChatCompletionRequest): string {
  return request.messages.map(textOf).join('\n');
}

/**
 * An OpenAI-compatible Chat Completions server (`POST /v1/chat/completions`, also `/chat/completions` as proxies and
 * vLLM mount it). It checks the bearer key and the request's shape, and answers as api.openai.com does: a forced
 * function call (`tools` + `tool_choice`) comes back in `choices[0].message.tool_calls` with the arguments as a JSON
 * string; `response_format` json_schema/json_object comes back as JSON in `content`. What the "model" decides is
 * scripted by the test (`script`); `garbleNext` makes answers unusable, and `failNext(openAiError(500))`,
 * `latencyMs`, 'hang' and 'drop' from the base class make the service fail or slow.
 */
export class FakeOpenAi extends FakeHttpServer {
  apiKey = FAKE_OPENAI_KEY;
  script: ModelScript = () => ({ intent: 'other', confidence: 0.5, urgency: 'cold', escalate: false, slots: {} });
  private readonly garbage: GarbageKind[] = [];

  constructor() {
    super();
    for (const path of ['/v1/chat/completions', '/chat/completions']) {
      this.route('POST', path, (request) => this.complete(request));
    }
  }

  /** The next `times` answers are garbage of this kind. */
  garbleNext(kind: GarbageKind, times = 1): this {
    for (let i = 0; i < times; i++) this.garbage.push(kind);
    return this;
  }

  /** Chat completion requests that reached the endpoint (answered, failed or not), oldest first. */
  get completions(): ChatCompletionRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/chat\/completions$/.test(r.path)).map((r) => r.body);
  }

  private complete(request: FakeRequest): FakeResponse {
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) return openAiError(401);
    const body = request.body as ChatCompletionRequest;
    const invalid = this.invalidity(body);
    if (invalid) return openAiError(400, invalid);

    const garbage = this.garbage.shift();
    const answer = garbage === 'off-schema' ? { intent: 'purchase', confidence: 7, slots: 'none' } : this.script(body);
    const forced = typeof body.tool_choice === 'object' ? body.tool_choice.function.name : undefined;
    const toolName = forced ?? (body.tool_choice === 'required' ? body.tools?.[0]?.function.name : undefined);

    let message: Record<string, unknown>;
    let finishReason = 'stop';
    if (toolName && garbage !== 'prose') {
      const args =
        garbage === 'broken-json' ? '{"intent": "booking", "confidence": 0.9, "slots": {' : JSON.stringify(answer);
      message = {
        role: 'assistant',
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: [
          {
            id: `call_${randomBytes(12).toString('hex')}`,
            type: 'function',
            function: { name: toolName, arguments: args },
          },
        ],
      };
      // A named tool_choice ends with "stop"; the model choosing a tool itself ends with "tool_calls".
      if (!forced) finishReason = 'tool_calls';
    } else {
      const content =
        garbage === 'prose'
          ? 'Здравствуйте! Конечно, я помогу вам с записью.'
          : garbage === 'broken-json'
            ? '{"intent": '
            : JSON.stringify(answer);
      message = { role: 'assistant', content, refusal: null, annotations: [] };
    }

    const promptTokens = Math.ceil(promptOf(body).length / 4);
    const completionTokens = Math.ceil(JSON.stringify(message).length / 4);
    return {
      headers: {
        'x-request-id': `req_${randomBytes(12).toString('hex')}`,
        'openai-processing-ms': String(this.latencyMs),
      },
      body: {
        id: `chatcmpl-${randomBytes(15).toString('base64url')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
        service_tier: 'default',
        system_fingerprint: 'fp_fake0openai',
      },
    };
  }

  /** What api.openai.com would reject with a 400, or null. */
  private invalidity(body: ChatCompletionRequest): string | null {
    if (typeof body?.model !== 'string' || !body.model) return 'you must provide a model parameter';
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
    }
    if (body.stream) return 'this fake does not stream';
    const names = (body.tools ?? []).map((t) => t.function?.name);
    if (typeof body.tool_choice === 'object' && !names.includes(body.tool_choice.function.name)) {
      return `Invalid value for 'tool_choice': function '${body.tool_choice.function.name}' not found in 'tools'.`;
    }
    if (body.tool_choice === 'required' && names.length === 0) {
      return "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
    }
    return null;
  }
}
