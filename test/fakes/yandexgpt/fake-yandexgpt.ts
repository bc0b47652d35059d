/*
 * A wire-faithful fake of YandexGPT's native synchronous text generation API (Yandex Cloud AI Studio, formerly
 * Foundation Models), real base https://llm.api.cloud.yandex.net.
 *
 * Doc facts it follows (yandex.cloud/en/docs, read 2026; sources in github.com/yandex-cloud/docs):
 * - `POST /foundationModels/v1/completion`, body `{ modelUri, completionOptions { stream, temperature (0..1),
 *   maxTokens (int64 as string), reasoningOptions { mode } }, messages [{ role: system|user|assistant, one of text |
 *   toolCallList | toolResultList }], tools [{ function { name, description, parameters, strict } }], one of
 *   jsonObject | jsonSchema { schema }, parallelToolCalls,
 *   toolChoice { one of mode (NONE|AUTO|REQUIRED) | functionName } }`,
 *   no other properties (the reference's schema says `additionalProperties: false`)
 *   (https://yandex.cloud/en/docs/ai-studio/text-generation/api-ref/TextGeneration/completion).
 * - The answer is `{ result: { alternatives: [{ message, status }], usage: { inputTextTokens, completionTokens,
 *   totalTokens, completionTokensDetails { reasoningTokens } } (int64 as strings), modelVersion } }`; a tool call is
 *   `message.toolCallList.toolCalls[].functionCall { name, arguments: <object> }` with status
 *   `ALTERNATIVE_STATUS_TOOL_CALLS` (https://yandex.cloud/en/docs/ai-studio/operations/generation/function-call);
 *   other statuses: FINAL, TRUNCATED_FINAL (token limit hit), CONTENT_FILTER.
 * - Auth: `Authorization: Bearer <IAM token>` or `Authorization: Api-Key <API key>`. A user account's IAM token goes
 *   with `x-folder-id: <folder>`; a service account must not send a folder header — its own folder is used
 *   (https://yandex.cloud/en/docs/ai-studio/api-ref/authentication).
 *   `modelUri` is `gpt://<folder_ID>/<model>[/<branch>]`.
 * - `x-data-logging-enabled: false` turns off the default logging of request data
 *   (https://yandex.cloud/en/docs/ai-studio/operations/disable-logging); responses carry `x-request-id` and
 *   `x-server-trace-id` (https://yandex.cloud/en/docs/ai-studio/api-ref/support-headers).
 * - Errors (https://yandex.cloud/en/docs/ai-studio/troubleshooting/error-codes): 400 INVALID_ARGUMENT (grpc 3: "invalid
 *   model_uri", "Failed to parse model URI", "Specified folder ID … does not match with service account folder ID …"),
 *   401 UNAUTHENTICATED (16: "Unknown api key …"), 403 PERMISSION_DENIED (7), 429 RESOURCE_EXHAUSTED (8, quota),
 *   500 INTERNAL (13), 503 UNAVAILABLE (14), 504 DEADLINE_EXCEEDED (4). On the wire (as clients quote it):
 *   `{ error: { grpcCode, httpCode, message, httpStatus, details: [] } }`, e.g. the concurrent-generation quota
 *   "ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests" — 10 concurrent
 *   synchronous generations per folder (https://yandex.cloud/en/docs/ai-studio/concepts/limits).
 * - Guesses, not documented: the exact messages of a bad IAM token ("The token is invalid"), of a folder header the
 *   caller has no rights on, and of malformed bodies (protojson-style "unknown field" / oneof messages).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

export const FAKE_YANDEX_API_KEY = 'AQVNfakeYandexGptApiKeyForTests0000000000';
export const FAKE_YANDEX_IAM_TOKEN = 't1.9euelZqFakeIamTokenForVolnaTests.fakeSignature0000';
export const FAKE_YANDEX_FOLDER_ID = 'b1gfake';

export interface YandexFunctionCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface YandexMessage {
  role: 'system' | 'user' | 'assistant';
  text?: string;
  toolCallList?: { toolCalls: Array<{ functionCall: YandexFunctionCall }> };
  toolResultList?: { toolResults: Array<{ functionResult: { name: string; content: string } }> };
}

export interface YandexTool {
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface YandexCompletionRequest {
  modelUri: string;
  completionOptions?: {
    stream?: boolean;
    temperature?: number;
    /** int64, sent as a string (a JSON number is accepted too, as protobuf's JSON mapping does). */
    maxTokens?: string | number;
    reasoningOptions?: { mode: 'REASONING_MODE_UNSPECIFIED' | 'DISABLED' | 'ENABLED_HIDDEN' };
  };
  messages: YandexMessage[];
  tools?: YandexTool[];
  jsonObject?: boolean;
  jsonSchema?: { schema: Record<string, unknown> };
  parallelToolCalls?: boolean;
  toolChoice?: { mode?: 'TOOL_CHOICE_MODE_UNSPECIFIED' | 'NONE' | 'AUTO' | 'REQUIRED'; functionName?: string };
}

/** The model's "decision" for a request: the object it returns as JSON text or as the tool call's arguments. */
export type YandexGptScript = (request: YandexCompletionRequest) => Record<string, unknown>;

/**
 * Answers that are not what was asked for: prose instead of JSON or a tool call, JSON cut off by the token limit
 * (`ALTERNATIVE_STATUS_TRUNCATED_FINAL`), JSON off the schema, or the content filter's refusal
 * (`ALTERNATIVE_STATUS_CONTENT_FILTER`).
 */
export type YandexGarbageKind = 'prose' | 'broken-json' | 'off-schema' | 'refusal';

export type YandexErrorStatus = 400 | 401 | 403 | 429 | 500 | 503 | 504;

const ERRORS: Record<YandexErrorStatus, { grpcCode: number; httpStatus: string; message: string }> = {
  400: { grpcCode: 3, httpStatus: 'Bad Request', message: 'invalid model_uri' },
  401: { grpcCode: 16, httpStatus: 'Unauthorized', message: 'Unknown api key' },
  403: { grpcCode: 7, httpStatus: 'Forbidden', message: 'Permission denied' },
  429: {
    grpcCode: 8,
    httpStatus: 'Too Many Requests',
    message: 'ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed 10 requests',
  },
  500: { grpcCode: 13, httpStatus: 'Internal Server Error', message: 'Internal error' },
  503: { grpcCode: 14, httpStatus: 'Service Unavailable', message: 'Service is unavailable' },
  504: { grpcCode: 4, httpStatus: 'Gateway Timeout', message: 'Deadline exceeded' },
};

/** A Yandex Foundation Models error answer; use with `failNext` for scripted 429s and 5xx. */
export function yandexGptError(status: YandexErrorStatus, message?: string): FakeResponse {
  const known = ERRORS[status];
  return {
    status,
    headers: { 'x-request-id': randomUUID(), 'x-server-trace-id': randomBytes(8).toString('hex') },
    body: {
      error: {
        grpcCode: known.grpcCode,
        httpCode: status,
        message: message ?? known.message,
        httpStatus: known.httpStatus,
        details: [],
      },
    },
  };
}

/** The text of every turn of a request, joined. */
export function yandexPromptOf(request: YandexCompletionRequest): string {
  return request.messages.map((m) => m.text ?? JSON.stringify(m.toolCallList ?? m.toolResultList ?? '')).join('\n');
}

/** The last user turn's text. */
export function yandexLastUserText(request: YandexCompletionRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user' && typeof m.text === 'string')?.text ?? '';
}

const TOP_LEVEL = new Set([
  'modelUri',
  'completionOptions',
  'messages',
  'tools',
  'jsonObject',
  'jsonSchema',
  'parallelToolCalls',
  'toolChoice',
]);
const COMPLETION_OPTIONS = new Set(['stream', 'temperature', 'maxTokens', 'reasoningOptions']);
const REASONING_MODES = new Set(['REASONING_MODE_UNSPECIFIED', 'DISABLED', 'ENABLED_HIDDEN']);
const TOOL_CHOICE_MODES = new Set(['TOOL_CHOICE_MODE_UNSPECIFIED', 'NONE', 'AUTO', 'REQUIRED']);
const ROLES = new Set(['system', 'user', 'assistant']);
const OFF_SCHEMA = { intent: 'purchase', confidence: 7, slots: 'none' };
const PROSE = 'Здравствуйте! Конечно, я помогу вам с записью. Подскажите, пожалуйста, удобное время?';
const BROKEN_JSON = '{"intent": "booking", "confidence": 0.9, "slots": {"date": "завтра", "time": "18:';
const REFUSAL = 'К сожалению, я не могу ничего сказать об этом. Давайте сменим тему?';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 3.5));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * YandexGPT's `POST /foundationModels/v1/completion`. It checks the credentials (`apiKey` as `Api-Key`, `iamToken` as
 * `Bearer`), that `modelUri` names `folderId`, and the body's shape, and answers as llm.api.cloud.yandex.net does:
 * JSON text in `message.text` for `jsonSchema`/`jsonObject` (and for plain requests), a tool call in
 * `message.toolCallList` when tools are given and not switched off. Every request that came without
 * `x-data-logging-enabled: false` is in `loggedRequests`. What the "model" decides is scripted (`script`);
 * `garbleNext` makes answers unusable; `failNext(yandexGptError(429))`, `latencyMs`, 'hang' and 'drop' make the
 * service fail or slow; with `generationMs` > 0 each completion holds one of the folder's
 * `maxConcurrentGenerations` for that long and the one over the quota gets the real 429.
 */
export class FakeYandexGpt extends FakeHttpServer {
  apiKey = FAKE_YANDEX_API_KEY;
  iamToken = FAKE_YANDEX_IAM_TOKEN;
  folderId = FAKE_YANDEX_FOLDER_ID;
  /**
   * Whose IAM token `iamToken` is: a service account's works without a folder header; a user account's needs
   * `x-folder-id` (the fake answers 403 without it).
   */
  iamTokenOwner: 'service-account' | 'user-account' = 'service-account';
  modelVersion = '23.10.2024';
  /** How long a completion "generates" while holding a generation slot (0: answers at once). */
  generationMs = 0;
  /** Concurrent synchronous generations allowed per folder (the documented default quota: 10). */
  maxConcurrentGenerations = 10;
  script: YandexGptScript = () => ({ intent: 'other', confidence: 0.5, urgency: 'cold', escalate: false, slots: {} });
  private readonly garbage: YandexGarbageKind[] = [];
  private inFlight = 0;

  constructor() {
    super();
    this.route('POST', '/foundationModels/v1/completion', (request) => this.complete(request));
  }

  /** The next `times` answers are garbage of this kind. */
  garbleNext(kind: YandexGarbageKind, times = 1): this {
    for (let i = 0; i < times; i++) this.garbage.push(kind);
    return this;
  }

  /** Completion request bodies that reached the endpoint (answered, failed or not), oldest first. */
  get completions(): YandexCompletionRequest[] {
    return this.completionRequests.map((r) => r.body);
  }

  /** Completion requests with their headers, oldest first. */
  get completionRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/foundationModels/v1/completion');
  }

  /** Completion requests that came without `x-data-logging-enabled: false`: Yandex kept their data. */
  get loggedRequests(): FakeRequest[] {
    return this.completionRequests.filter(
      (r) => String(r.headers['x-data-logging-enabled'] ?? '').toLowerCase() !== 'false',
    );
  }

  private async complete(request: FakeRequest): Promise<FakeResponse> {
    const refused = this.unauthenticated(request) ?? this.invalidRequest(request.body);
    if (refused) return refused;
    const body = request.body as YandexCompletionRequest;

    if (this.generationMs > 0) {
      if (this.inFlight >= this.maxConcurrentGenerations) {
        return yandexGptError(
          429,
          `ai.textGenerationCompletionSessionsCount.count gauge quota limit exceed: allowed ${this.maxConcurrentGenerations} requests`,
        );
      }
      this.inFlight++;
      try {
        await sleep(this.generationMs);
      } finally {
        this.inFlight--;
      }
    }
    return this.answer(body);
  }

  /** The 401/403 for these credentials, or null. */
  private unauthenticated(request: FakeRequest): FakeResponse | null {
    const authorization = request.headers.authorization ?? '';
    const [scheme, credential = ''] = authorization.split(' ', 2);
    const folderHeader = request.headers['x-folder-id'];
    if (scheme === 'Api-Key') {
      if (credential !== this.apiKey) return yandexGptError(401, `Unknown api key '${credential.slice(0, 8)}****'`);
    } else if (scheme === 'Bearer') {
      if (credential !== this.iamToken) return yandexGptError(401, 'The token is invalid');
      if (this.iamTokenOwner === 'user-account' && folderHeader === undefined) {
        return yandexGptError(403, 'Permission denied: x-folder-id is required with a user account IAM token');
      }
    } else {
      return yandexGptError(401, 'Authorization header is missing or has an unknown scheme (Bearer or Api-Key)');
    }
    if (folderHeader !== undefined && folderHeader !== this.folderId) {
      return yandexGptError(403, `Permission to [resource-manager.folder ${String(folderHeader)}] denied`);
    }
    return null;
  }

  /** The 400 Yandex would answer for this body, or null. */
  private invalidRequest(body: unknown): FakeResponse | null {
    const bad = (message: string) => yandexGptError(400, message);
    if (isObject(body) && '_unparsed' in body) return bad('proto: syntax error (line 1:1): unexpected token');
    if (!isObject(body)) return bad('proto: syntax error (line 1:1): request body must be a JSON object');
    const unknown = Object.keys(body).find((key) => !TOP_LEVEL.has(key));
    if (unknown) return bad(`proto: (line 1:2): unknown field "${unknown}"`);

    const uri =
      typeof body.modelUri === 'string' ? /^gpt:\/\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(body.modelUri) : null;
    if (!uri) return bad(`Failed to parse model URI: ${String(body.modelUri ?? '')}`);
    if (uri[1] !== this.folderId) {
      return bad(`Specified folder ID '${uri[1]}' does not match with service account folder ID '${this.folderId}'`);
    }

    const options = body.completionOptions;
    if (options !== undefined) {
      if (!isObject(options)) return bad('completionOptions must be an object');
      const unknownOption = Object.keys(options).find((key) => !COMPLETION_OPTIONS.has(key));
      if (unknownOption) return bad(`proto: (line 1:2): unknown field "${unknownOption}"`);
      const { temperature, maxTokens, reasoningOptions, stream } = options;
      if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 1)) {
        return bad('completionOptions.temperature must be a number between 0 and 1');
      }
      if (maxTokens !== undefined && !/^[1-9]\d*$/.test(String(maxTokens))) {
        return bad('completionOptions.maxTokens must be an integer greater than zero');
      }
      if (
        reasoningOptions !== undefined &&
        (!isObject(reasoningOptions) || !REASONING_MODES.has(String(reasoningOptions.mode)))
      ) {
        return bad('completionOptions.reasoningOptions.mode is invalid');
      }
      if (stream === true) return bad('completionOptions.stream: this fake does not stream');
    }

    if (!Array.isArray(body.messages) || body.messages.length === 0) return bad('messages must not be empty');
    for (const [index, message] of (body.messages as unknown[]).entries()) {
      if (!isObject(message) || !ROLES.has(String(message.role))) {
        return bad(`messages[${index}].role must be one of system, user, assistant`);
      }
      const contents = ['text', 'toolCallList', 'toolResultList'].filter((key) => message[key] !== undefined);
      if (contents.length !== 1) {
        return bad(`messages[${index}] must have exactly one of text, toolCallList, toolResultList`);
      }
      if (message.text !== undefined && typeof message.text !== 'string') {
        return bad(`messages[${index}].text must be a string`);
      }
    }

    if (body.jsonObject !== undefined && body.jsonSchema !== undefined) {
      return bad(
        'proto: (line 1:2): error parsing "jsonSchema", oneof yandex.cloud.ai.foundation_models.v1.CompletionRequest.ResponseFormat is already set',
      );
    }
    if (body.jsonObject !== undefined && typeof body.jsonObject !== 'boolean')
      return bad('jsonObject must be a boolean');
    if (body.jsonSchema !== undefined && (!isObject(body.jsonSchema) || !isObject(body.jsonSchema.schema))) {
      return bad('jsonSchema.schema must be a JSON Schema object');
    }

    if (body.tools !== undefined && !Array.isArray(body.tools)) return bad('tools must be an array');
    const tools = (body.tools ?? []) as unknown[];
    for (const [index, tool] of tools.entries()) {
      if (
        !isObject(tool) ||
        !isObject(tool.function) ||
        typeof tool.function.name !== 'string' ||
        !tool.function.name
      ) {
        return bad(`tools[${index}].function.name is required`);
      }
      if (tool.function.parameters !== undefined && !isObject(tool.function.parameters)) {
        return bad(`tools[${index}].function.parameters must be a JSON Schema object`);
      }
    }
    const choice = body.toolChoice;
    if (choice !== undefined) {
      if (!isObject(choice) || (choice.mode === undefined) === (choice.functionName === undefined)) {
        return bad('toolChoice must have exactly one of mode, functionName');
      }
      if (choice.mode !== undefined && !TOOL_CHOICE_MODES.has(String(choice.mode))) {
        return bad(`toolChoice.mode ${String(choice.mode)} is invalid`);
      }
      const names = tools.map((tool) => (tool as YandexTool).function.name);
      if (choice.functionName !== undefined && !names.includes(String(choice.functionName))) {
        return bad(`toolChoice.functionName ${String(choice.functionName)} does not match any function in tools`);
      }
      if (choice.mode === 'REQUIRED' && names.length === 0) return bad('toolChoice.mode REQUIRED needs tools');
    }
    return null;
  }

  private answer(body: YandexCompletionRequest): FakeResponse {
    const garbage = this.garbage.shift();
    const answer = garbage === 'off-schema' ? OFF_SCHEMA : this.script(body);
    const tools = body.tools ?? [];
    const mode = body.toolChoice?.mode ?? 'AUTO';
    // Forced: that function. AUTO/REQUIRED: the "model" always decides to call the first tool it was given.
    const toolName = tools.length && mode !== 'NONE' ? (body.toolChoice?.functionName ?? tools[0].function.name) : null;

    let message: YandexMessage;
    let status = 'ALTERNATIVE_STATUS_FINAL';
    if (garbage === 'refusal') {
      message = { role: 'assistant', text: REFUSAL };
      status = 'ALTERNATIVE_STATUS_CONTENT_FILTER';
    } else if (garbage === 'prose') {
      message = { role: 'assistant', text: PROSE };
    } else if (garbage === 'broken-json') {
      message = { role: 'assistant', text: BROKEN_JSON };
      status = 'ALTERNATIVE_STATUS_TRUNCATED_FINAL';
    } else if (toolName) {
      message = {
        role: 'assistant',
        toolCallList: { toolCalls: [{ functionCall: { name: toolName, arguments: answer } }] },
      };
      status = 'ALTERNATIVE_STATUS_TOOL_CALLS';
    } else {
      message = { role: 'assistant', text: JSON.stringify(answer) };
    }

    const input = tokensOf(yandexPromptOf(body) + (tools.length ? JSON.stringify(tools) : ''));
    const visible = tokensOf(message.text ?? JSON.stringify(message.toolCallList));
    const reasoning = body.completionOptions?.reasoningOptions?.mode === 'ENABLED_HIDDEN' ? visible * 3 : 0;
    const completion = visible + reasoning;
    return {
      headers: { 'x-request-id': randomUUID(), 'x-server-trace-id': randomBytes(8).toString('hex') },
      body: {
        result: {
          alternatives: [{ message, status }],
          usage: {
            inputTextTokens: String(input),
            completionTokens: String(completion),
            totalTokens: String(input + completion),
            completionTokensDetails: { reasoningTokens: String(reasoning) },
          },
          modelVersion: this.modelVersion,
        },
      },
    };
  }
}
