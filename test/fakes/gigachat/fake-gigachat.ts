/*
 * A wire-faithful fake of Sber's GigaChat REST API: the OAuth server and the v1 API, served on one port.
 *
 * Doc facts it follows (developers.sber.ru, read 2026):
 * - Two hosts: OAuth `POST https://ngw.devices.sberbank.ru:9443/api/v2/oauth`,
 *   API `https://gigachat.devices.sberbank.ru/api/v1` (https://developers.sber.ru/docs/ru/gigachat/api/authorization).
 *   Here both paths live on one port.
 * - OAuth request: `Authorization: Basic <authorization key>` (the key is base64 of `client_id:client_secret`),
 *   `RqUID: <uuid4>` (mandatory, must be a uuid4),
 *   form body `scope=GIGACHAT_API_PERS|GIGACHAT_API_B2B|GIGACHAT_API_CORP`.
 *   Answer `{ access_token, expires_at }`, `expires_at` in epoch milliseconds; a token lives 30 minutes; token requests
 *   are allowed up to 10 per second (https://developers.sber.ru/docs/ru/tests/api/post-token).
 * - OAuth errors are `{ code, message }` (https://developers.sber.ru/docs/ru/gigachat/api/errors-description):
 *   400 `{code:5,"scope is empty"}`, `{code:1,"scope data format invalid"}`,
 *   `{code:7,"scope from db not fully includes consumed scope"}` (key issued for another scope);
 *   a bad RqUID is a 400. 401 `{code:4,"Can't decode 'Authorization' header"}` and `{code:6,"credentials doesn't match
 *   db data"}` are the 401s SDKs and issue reports quote for an undecodable or unknown key.
 * - API errors are `{ status, message }`: 401 "Unauthorized",
 *   402 "Payment Required", 403 "Permission denied", 413 "Payload too large",
 *   422 "Invalid params: …" (e.g. "Invalid params: system message must be the first message",
 *   "Requested model does not support functions"), 429 when the stream limit is exceeded, 500.
 * - Stream limits (https://developers.sber.ru/docs/ru/gigachat/limitations): individuals (PERS) get 1 concurrent
 *   stream, businesses (B2B/CORP) 10 by default. A refused topic answers with `finish_reason: "blacklist"`.
 * - Chat completions `POST /api/v1/chat/completions`
 *   (https://developers.sber.ru/docs/ru/gigachat/api/reference/rest/post-chat):
 *   `model`, `messages[{role: system|user|assistant|function, content}]`, `functions[{name, description, parameters}]`,
 *   `function_call: "auto" | "none" | {name, partial_arguments?}` (a forced function must be described in `functions`,
 *   https://developers.sber.ru/docs/ru/gigachat/guides/functions/function-calling-modes). A function call comes back as
 *   `message.function_call = {name, arguments: <object>}` with `content: ""`, `functions_state_id` and
 *   `finish_reason: "function_call"`; `usage` has `prompt_tokens`, `completion_tokens`, `total_tokens`,
 *   `precached_prompt_tokens`.
 *   One token is 3–4 characters on average (https://developers.sber.ru/docs/ru/gigachat/limitations).
 * - Not documented, taken from SDK fixtures and what live clients report: `model` comes back with a version suffix
 *   ("GigaChat-2-Max:2.0.28.2"); an expired token's 401 says "Token has expired"; unparseable JSON gets 400
 *   `{status:400,"Your request contains invalid JSON syntax."}`; function names must match `^[A-Za-z][A-Za-z0-9_.-]*$`.
 *   The bodies of the RqUID 400 and of the token-rate 429 are not documented: the fake keeps the `{ code, message }`
 *   envelope of the other OAuth errors. No `Retry-After` is documented for a 429, so none is sent.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '../fake-http-server';

/** A GigaChat "authorization key": base64 of `client_id:client_secret`, as the developer console gives it. */
export const FAKE_GIGACHAT_AUTH_KEY = Buffer.from(
  '019a0c3e-fake-7c1d-9e2a-5b8f00c0ffee:7f3c2a9e-fake-4d6b-8e1f-0a2b3c4d5e6f',
).toString('base64');

export const GIGACHAT_SCOPES = ['GIGACHAT_API_PERS', 'GIGACHAT_API_B2B', 'GIGACHAT_API_CORP'] as const;
export type GigaChatScope = (typeof GIGACHAT_SCOPES)[number];

export interface GigaChatMessage {
  role: 'system' | 'user' | 'assistant' | 'function' | 'search_result' | 'function_in_progress';
  content?: string;
  /** On an assistant turn that called a function; `arguments` is an object, never a string. */
  function_call?: { name: string; arguments?: Record<string, unknown> };
  /** The function's name, on a `function` turn carrying its result. */
  name?: string;
  functions_state_id?: string;
  attachments?: string[];
}

export interface GigaChatFunction {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  few_shot_examples?: Array<{ request: string; params: Record<string, unknown> }>;
  return_parameters?: Record<string, unknown>;
}

export interface GigaChatRequest {
  model: string;
  messages: GigaChatMessage[];
  functions?: GigaChatFunction[];
  function_call?: 'auto' | 'none' | { name: string; partial_arguments?: Record<string, unknown> };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  repetition_penalty?: number;
  stream?: boolean;
  update_interval?: number;
  profanity_check?: boolean;
}

/** The model's "decision" for a request: the object it returns as the function's arguments (or as JSON content). */
export type GigaChatScript = (request: GigaChatRequest) => Record<string, unknown>;

/**
 * Answers that are not what was asked for: prose instead of a function call, JSON cut off mid-way
 * (`finish_reason: "length"`), arguments off the schema, or a refusal (`finish_reason: "blacklist"`, GigaChat's
 * answer to a topic it will not discuss).
 */
export type GigaChatGarbageKind = 'prose' | 'broken-json' | 'off-schema' | 'blacklist';

export type GigaChatErrorStatus = 401 | 402 | 403 | 404 | 413 | 422 | 429 | 500 | 503;

const API_ERRORS: Record<GigaChatErrorStatus, string> = {
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Permission denied',
  404: 'No such model',
  413: 'Payload too large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A GigaChat API error answer (`{ status, message }`); use with `failNext` for scripted 429s and 5xx. */
export function gigaChatError(status: GigaChatErrorStatus, message?: string): FakeResponse {
  return {
    status,
    headers: { 'x-request-id': randomUUID() },
    body: { status, message: message ?? API_ERRORS[status] },
  };
}

/** An OAuth-server error answer (`{ code, message }`, the envelope of ngw.devices.sberbank.ru). */
export function gigaChatOAuthError(status: number, code: number, message: string): FakeResponse {
  return { status, body: { code, message } };
}

/** The text of every turn of a request, joined. */
export function gigaChatPromptOf(request: GigaChatRequest): string {
  return request.messages.map((m) => m.content ?? '').join('\n');
}

/** The last user turn of a request. */
export function gigaChatLastUserContent(request: GigaChatRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ROLES = new Set(['system', 'user', 'assistant', 'function', 'search_result', 'function_in_progress']);
const OFF_SCHEMA = { intent: 'purchase', confidence: 7, slots: 'none' };
const PROSE = 'Здравствуйте! Конечно, я помогу вам с записью. Подскажите, пожалуйста, удобное время?';
const BROKEN_JSON = '{"intent": "booking", "confidence": 0.9, "slots": {"date": "завтра", "time": "18:';
const BLACKLIST = 'Не люблю менять тему разговора, но вот сейчас тот самый случай.';
const JWE_HEADER = 'eyJjdHkiOiJqd3QiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwiYWxnIjoiUlNBLU9BRVAtMjU2In0';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GigaChat counts 3–4 characters a token on average. */
function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 3.5));
}

/**
 * GigaChat's OAuth server (`POST /api/v2/oauth`) and API (`POST /api/v1/chat/completions`, `GET /api/v1/models`) on
 * one port; start it with TLS (`start(0, { key, cert })` from `createTestCa()`) to make the app trust a custom CA, as
 * it must for the real one. Tokens are issued for `authKey` + `scope`, live `tokenTtlMs`, and are checked on every
 * API call (unknown → 401 "Unauthorized", expired → 401 "Token has expired"; `revokeTokens()` / `expireTokens()` make
 * the next call fail so a test can watch the app refresh once). What the "model" decides is scripted by the test
 * (`script`); `garbleNext` makes answers unusable, and `failNext(gigaChatError(500))`, `latencyMs`, 'hang' and 'drop'
 * from the base class make the service fail or slow. With `generationMs` > 0 each completion holds one of the scope's
 * streams for that long, and a request over the limit gets the 429 a real account gets.
 */
export class FakeGigaChat extends FakeHttpServer {
  authKey = FAKE_GIGACHAT_AUTH_KEY;
  /** The scope `authKey` was issued for; a token request for another scope is refused (code 7). */
  scope: GigaChatScope = 'GIGACHAT_API_PERS';
  /** How long an issued token lives (30 minutes, as documented); shorten it to make a token expire during a test. */
  tokenTtlMs = 30 * 60_000;
  /** Token requests allowed per second before a 429 (documented: 10). */
  tokenRateLimitPerSecond = 10;
  /** Models the API knows; another name gets 404 "No such model". A `:version` or `-preview` suffix is accepted. */
  models = ['GigaChat', 'GigaChat-Pro', 'GigaChat-Max', 'GigaChat-2', 'GigaChat-2-Pro', 'GigaChat-2-Max'];
  /** The version suffix echoed in the answer's `model`. */
  modelVersion = '2.0.28.2';
  /** How long a completion "generates" while holding a stream (0: answers at once and never runs into the limit). */
  generationMs = 0;
  /** Concurrent streams allowed; by default 1 for GIGACHAT_API_PERS and 10 for B2B/CORP, as documented. */
  maxConcurrentStreams?: number;
  script: GigaChatScript = () => ({ intent: 'other', confidence: 0.5, urgency: 'cold', escalate: false, slots: {} });
  /** Issued tokens and when each expires (epoch ms). */
  private readonly tokens = new Map<string, number>();
  private readonly garbage: GigaChatGarbageKind[] = [];
  private readonly tokenRequestTimes: number[] = [];
  private readonly sessions = new Set<string>();
  private inFlight = 0;

  constructor() {
    super();
    this.route('POST', '/api/v2/oauth', (request) => this.oauth(request));
    this.route('POST', '/api/v1/chat/completions', (request) => this.complete(request));
    this.route('GET', '/api/v1/models', (request) => this.listModels(request));
  }

  /** The next `times` answers are garbage of this kind. */
  garbleNext(kind: GigaChatGarbageKind, times = 1): this {
    for (let i = 0; i < times; i++) this.garbage.push(kind);
    return this;
  }

  /** Forgets every issued token: the next API call with one gets 401 "Unauthorized". */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Makes every issued token expired: the next API call with one gets 401 "Token has expired". */
  expireTokens(): void {
    const past = Date.now() - 1;
    for (const token of this.tokens.keys()) this.tokens.set(token, past);
  }

  /** Every request to the OAuth server (issued, refused or failed), oldest first. */
  get tokenRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/oauth');
  }

  /** Tokens issued so far, oldest first (revoked ones excluded). */
  get issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Chat completion request bodies that reached the API (answered, failed or not), oldest first. */
  get completions(): GigaChatRequest[] {
    return this.completionRequests.map((r) => r.body);
  }

  /** Chat completion requests with their headers, oldest first. */
  get completionRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/chat/completions');
  }

  private oauth(request: FakeRequest): FakeResponse {
    const now = Date.now();
    while (this.tokenRequestTimes.length && this.tokenRequestTimes[0] <= now - 1000) this.tokenRequestTimes.shift();
    this.tokenRequestTimes.push(now);
    if (this.tokenRequestTimes.length > this.tokenRateLimitPerSecond) {
      return gigaChatOAuthError(429, 429, 'Too Many Requests');
    }

    const rqUid = request.headers['rquid'];
    if (typeof rqUid !== 'string' || !UUID4.test(rqUid)) {
      return gigaChatOAuthError(400, 400, 'RqUID header is missing or is not a uuid4');
    }

    const match = /^Basic (\S+)$/.exec(request.headers.authorization ?? '');
    if (!match || !Buffer.from(match[1], 'base64').toString('utf8').includes(':')) {
      return gigaChatOAuthError(401, 4, "Can't decode 'Authorization' header");
    }
    if (match[1] !== this.authKey) return gigaChatOAuthError(401, 6, "credentials doesn't match db data");

    const scope = typeof request.body?.scope === 'string' ? request.body.scope.trim() : '';
    if (!scope) return gigaChatOAuthError(400, 5, 'scope is empty');
    if (!(GIGACHAT_SCOPES as readonly string[]).includes(scope)) {
      return gigaChatOAuthError(400, 1, 'scope data format invalid');
    }
    if (scope !== this.scope) return gigaChatOAuthError(400, 7, 'scope from db not fully includes consumed scope');

    const token = [JWE_HEADER, 342, 22, 300, 43]
      .map((part) => (typeof part === 'string' ? part : randomBytes(Math.ceil((part * 3) / 4)).toString('base64url')))
      .join('.');
    const expiresAt = now + this.tokenTtlMs;
    this.tokens.set(token, expiresAt);
    return { body: { access_token: token, expires_at: expiresAt } };
  }

  /** null when the bearer token is one this server issued and it has not expired, else the 401. */
  private unauthorized(request: FakeRequest): FakeResponse | null {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expiresAt = token ? this.tokens.get(token) : undefined;
    if (expiresAt === undefined) return gigaChatError(401);
    if (expiresAt <= Date.now()) return gigaChatError(401, 'Token has expired');
    return null;
  }

  private listModels(request: FakeRequest): FakeResponse {
    const unauthorized = this.unauthorized(request);
    if (unauthorized) return unauthorized;
    return {
      body: {
        object: 'list',
        data: this.models.map((id) => ({ id, object: 'model', owned_by: 'salutedevices', type: 'chat' })),
      },
    };
  }

  private async complete(request: FakeRequest): Promise<FakeResponse> {
    const unauthorized = this.unauthorized(request);
    if (unauthorized) return unauthorized;
    const body = request.body as GigaChatRequest;
    if (body && typeof body === 'object' && '_unparsed' in body) {
      return { status: 400, body: { status: 400, message: 'Your request contains invalid JSON syntax.' } };
    }
    const invalid = this.invalidity(body);
    if (invalid) return gigaChatError(422, `Invalid params: ${invalid}`);
    const baseModel = body.model.split(':')[0].replace(/-preview$/, '');
    if (!this.models.includes(baseModel)) return gigaChatError(404);

    if (this.generationMs > 0) {
      const limit = this.maxConcurrentStreams ?? (this.scope === 'GIGACHAT_API_PERS' ? 1 : 10);
      if (this.inFlight >= limit) return gigaChatError(429);
      this.inFlight++;
      try {
        await sleep(this.generationMs);
      } finally {
        this.inFlight--;
      }
    }
    return this.answer(request, body);
  }

  private answer(request: FakeRequest, body: GigaChatRequest): FakeResponse {
    const garbage = this.garbage.shift();
    const functions = body.functions ?? [];
    const mode = body.function_call ?? (functions.length ? 'auto' : 'none');
    // Forced: that function. "auto": the "model" always decides to call the first function it was given.
    const functionName = typeof mode === 'object' ? mode.name : mode === 'auto' ? functions[0]?.name : undefined;
    const partial = typeof mode === 'object' ? (mode.partial_arguments ?? {}) : {};
    const answer = garbage === 'off-schema' ? OFF_SCHEMA : { ...this.script(body), ...partial };

    let message: Record<string, unknown>;
    let finishReason: string;
    if (garbage === 'blacklist') {
      message = { role: 'assistant', content: BLACKLIST };
      finishReason = 'blacklist';
    } else if (garbage === 'prose') {
      message = { role: 'assistant', content: PROSE };
      finishReason = 'stop';
    } else if (garbage === 'broken-json') {
      message = { role: 'assistant', content: BROKEN_JSON };
      finishReason = 'length';
    } else if (functionName) {
      message = {
        role: 'assistant',
        content: '',
        function_call: { name: functionName, arguments: answer },
        functions_state_id: randomUUID(),
      };
      finishReason = 'function_call';
    } else {
      message = { role: 'assistant', content: JSON.stringify(answer) };
      finishReason = 'stop';
    }

    const promptTokens = tokensOf(gigaChatPromptOf(body) + (functions.length ? JSON.stringify(functions) : ''));
    const completionTokens = tokensOf(
      message.function_call ? JSON.stringify(message.function_call) : String(message.content),
    );
    // With a session id, the repeated start of the dialogue (the system prompt) is served from GigaChat's cache.
    const sessionId = request.headers['x-session-id'];
    let precached = 0;
    if (typeof sessionId === 'string' && sessionId) {
      const system = body.messages[0]?.role === 'system' ? (body.messages[0].content ?? '') : '';
      if (this.sessions.has(sessionId) && system) precached = Math.min(promptTokens, tokensOf(system));
      this.sessions.add(sessionId);
    }

    const headers: Record<string, string> = {
      'x-request-id': String(request.headers['x-request-id'] ?? randomUUID()),
    };
    if (typeof sessionId === 'string') headers['x-session-id'] = sessionId;
    if (typeof request.headers['x-client-id'] === 'string') headers['x-client-id'] = request.headers['x-client-id'];
    return {
      headers,
      body: {
        choices: [{ message, index: 0, finish_reason: finishReason }],
        created: Math.floor(Date.now() / 1000),
        model: `${body.model.split(':')[0]}:${this.modelVersion}`,
        object: 'chat.completion',
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          precached_prompt_tokens: precached,
        },
      },
    };
  }

  /** What GigaChat would refuse with a 422 ("Invalid params: …"), or null. */
  private invalidity(body: GigaChatRequest): string | null {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return 'request body must be a JSON object';
    if (typeof body.model !== 'string' || !body.model) return 'model is required';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages must not be empty';
    for (const [index, message] of body.messages.entries()) {
      if (!message || typeof message !== 'object') return `messages[${index}] must be an object`;
      if (!ROLES.has(message.role)) return `messages[${index}].role '${String(message.role)}' is not supported`;
      if (message.content !== undefined && typeof message.content !== 'string') {
        return `messages[${index}].content must be a string`;
      }
      if (message.role === 'system' && index !== 0) return 'system message must be the first message';
      if (message.role === 'function' && typeof message.name !== 'string') {
        return `messages[${index}].name is required for a function message`;
      }
      const call = message.function_call;
      if (call !== undefined) {
        if (typeof call !== 'object' || call === null || typeof call.name !== 'string') {
          return `messages[${index}].function_call.name is required`;
        }
        if (call.arguments !== undefined && (typeof call.arguments !== 'object' || Array.isArray(call.arguments))) {
          return `messages[${index}].function_call.arguments must be an object`;
        }
      }
    }
    if (body.functions !== undefined && !Array.isArray(body.functions)) return 'functions must be an array';
    const functions = body.functions ?? [];
    const badNames = functions.filter((f) => typeof f?.name !== 'string' || !FUNCTION_NAME.test(f.name));
    if (badNames.length) {
      return (
        'Invalid function names. Only Latin letters (A-Z or a-z), underscore (_), hyphen (-), dot (.) and digits ' +
        `(not leading) are allowed.: [${badNames.map((f) => String(f?.name)).join(', ')}]`
      );
    }
    for (const f of functions) {
      if (f.parameters !== undefined && (typeof f.parameters !== 'object' || Array.isArray(f.parameters))) {
        return `parameters of function ${f.name} must be a JSON object`;
      }
    }
    const call = body.function_call;
    if (call !== undefined && call !== 'auto' && call !== 'none') {
      if (typeof call !== 'object' || call === null || typeof call.name !== 'string') {
        return "function_call must be 'auto', 'none' or an object with a function name";
      }
      if (!functions.some((f) => f.name === call.name)) {
        return `function ${call.name} from function_call is not described in functions`;
      }
    }
    if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0)) {
      return 'temperature must be a non-negative number';
    }
    if (body.top_p !== undefined && (typeof body.top_p !== 'number' || body.top_p < 0 || body.top_p > 1)) {
      return 'top_p must be a number from 0 to 1';
    }
    if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens <= 0)) {
      return 'max_tokens must be a positive integer';
    }
    if (body.stream) return 'stream: this fake does not stream';
    return null;
  }
}
