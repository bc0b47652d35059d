import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { HybridIntentClassifier } from '../../src/modules/triage/adapters/hybrid/hybrid-intent.classifier';
import type { LlmChat } from '../../src/modules/triage/adapters/llm/llm-chat';
import { createLlmFetch } from '../../src/modules/triage/adapters/llm/llm-http';
import { LlmIntentClassifier } from '../../src/modules/triage/adapters/llm/llm-intent.classifier';
import { OpenAiChat } from '../../src/modules/triage/adapters/llm/providers/openai.chat';
import { YandexGptChat } from '../../src/modules/triage/adapters/llm/providers/yandexgpt.chat';
import { RulesIntentClassifier } from '../../src/modules/triage/adapters/rules/rules-intent.classifier';
import { BUSINESS_PRESETS } from '../../src/modules/triage/domain/business-presets';
import type { LlmCallUsage } from '../../src/modules/triage/ports/llm-spend.port';
import type { FakeHttpServer, FakeResponse } from '../fakes/fake-http-server';
import { FAKE_GIGACHAT_AUTH_KEY, FakeGigaChat, gigaChatError } from '../fakes/gigachat/fake-gigachat';
import { FAKE_OPENAI_KEY, FakeOpenAi, openAiError } from '../fakes/openai/fake-openai';
import { createTestCa, type TestCa } from '../fakes/test-ca';
import {
  FAKE_YANDEX_API_KEY,
  FAKE_YANDEX_FOLDER_ID,
  FakeYandexGpt,
  yandexGptError,
} from '../fakes/yandexgpt/fake-yandexgpt';
import { gigaChatAt } from '../support/gigachat-client';
import { REDIS_SERVER } from '../support/test-env';

/** What the "model" decides for every request: a booking, with the slots a model would copy. */
const BOOKING = {
  intent: 'booking',
  intents: ['booking', 'price'],
  confidence: 0.94,
  urgency: 'hot',
  escalate: false,
  slots: { service: 'маникюр', date: 'завтра', time: 'в 5' },
};
const TEXT =
  'Здравствуйте, меня зовут Катя Смирнова, хочу на маникюр завтра в 5, сколько стоит? ' +
  'мой номер 8 913 123-45-67, почта katya.smirnova@mail.ru';
const CONTEXT = {
  recentMessages: [
    { from: 'client' as const, text: 'добрый вечер, это Катерина' },
    { from: 'bot' as const, text: 'Здравствуйте, Катерина! Подскажите, на какую услугу вас записать?' },
  ],
  knownNames: ['Катерина Смирнова'],
};
/** Nothing of these may reach a provider, in any request. */
const PERSONAL = ['Катя', 'Катерин', 'Смирнов', 'katya', '@mail.ru', '123-45-67', '9131234567', '913'];

type Fake = FakeHttpServer & { script: (request: never) => Record<string, unknown>; garbleNext(kind: never): unknown };

interface Provider {
  name: 'openai' | 'gigachat' | 'yandexgpt';
  fake: Fake;
  start(): Promise<void>;
  chat(): LlmChat;
  error(status: 429 | 500 | 503): FakeResponse;
  /** Raw bodies of the completion requests (not OAuth). */
  bodies(): string[];
  stop(): Promise<void>;
}

const redis = new IORedis(REDIS_SERVER, { maxRetriesPerRequest: 1 });
let ca: TestCa;

function openAi(): Provider {
  const fake = new FakeOpenAi();
  let url = '';
  return {
    name: 'openai',
    fake: fake as unknown as Fake,
    start: async () => void (url = `${await fake.start()}/v1`),
    chat: () =>
      new OpenAiChat({
        apiKey: FAKE_OPENAI_KEY,
        model: 'gpt-4o-mini',
        baseUrl: url,
        timeoutMs: 5000,
        fetch: createLlmFetch(),
      }),
    error: (status) => openAiError(status),
    bodies: () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.rawBody),
    stop: () => fake.stop(),
  };
}

function gigaChat(): Provider {
  const fake = new FakeGigaChat();
  fake.scope = 'GIGACHAT_API_B2B';
  let url = '';
  const keyPrefix = `test-${randomUUID()}`;
  return {
    name: 'gigachat',
    fake: fake as unknown as Fake,
    // GigaChat serves HTTPS with a certificate of a CA Node does not know: LLM_CA_FILE adds it.
    start: async () => void (url = await fake.start(0, { key: ca.serverKey, cert: ca.serverCert })),
    chat: () => gigaChatAt({ url, redis, keyPrefix, caFile: ca.caFile, authKey: FAKE_GIGACHAT_AUTH_KEY }),
    error: (status) => gigaChatError(status),
    bodies: () => fake.completionRequests.map((r) => r.rawBody),
    stop: () => fake.stop(),
  };
}

function yandexGpt(): Provider {
  const fake = new FakeYandexGpt();
  let url = '';
  return {
    name: 'yandexgpt',
    fake: fake as unknown as Fake,
    start: async () => void (url = await fake.start()),
    chat: () =>
      new YandexGptChat({
        baseUrl: url,
        credentials: { apiKey: FAKE_YANDEX_API_KEY },
        modelUri: `gpt://${FAKE_YANDEX_FOLDER_ID}/yandexgpt-lite/latest`,
        folderId: FAKE_YANDEX_FOLDER_ID,
        fetch: createLlmFetch(),
      }),
    error: (status) => yandexGptError(status),
    bodies: () => fake.completionRequests.map((r) => r.rawBody),
    stop: () => fake.stop(),
  };
}

beforeAll(() => {
  ca = createTestCa();
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  const warn = console.warn.bind(console);
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).startsWith('New LangChain packages')) warn(...args);
  });
});
afterAll(() => {
  jest.restoreAllMocks();
  redis.disconnect();
});

describe.each([openAi, gigaChat, yandexGpt])('the LLM contract: %p', (make) => {
  const provider = make();
  const metered: LlmCallUsage[] = [];
  const offline = new RulesIntentClassifier();
  const llm = (timeoutMs = 2000) =>
    new LlmIntentClassifier(
      provider.chat(),
      { timeoutMs, maskPii: true, preset: BUSINESS_PRESETS.salon },
      { meter: (usage) => metered.push(usage) },
    );
  const hybrid = (budgetMs = 2000) =>
    new HybridIntentClassifier(llm(budgetMs), offline, { budgetMs, failureThreshold: 1000, openMs: 30_000 });

  beforeAll(() => provider.start());
  afterAll(() => provider.stop());
  beforeEach(() => {
    provider.fake.requests.length = 0;
    provider.fake.clearFaults();
    provider.fake.latencyMs = 0;
    provider.fake.script = () => BOOKING;
    metered.length = 0;
  });

  it(`${provider.name}: parses the structured triage, takes phone and name locally and meters the tokens`, async () => {
    const result = await llm().classify(TEXT, CONTEXT);

    expect(result).toMatchObject({
      intent: 'booking',
      intents: ['booking', 'price'],
      urgency: 'hot',
      escalate: false,
      source: 'llm',
      slots: { service: 'маникюр', date: 'завтра', time: 'в 5', phone: '8 913 123-45-67', name: 'Катя' },
    });
    expect(metered).toEqual([
      expect.objectContaining({
        provider: provider.name,
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
      }),
    ]);
    expect(metered[0].inputTokens).toBeGreaterThan(100);
    expect(metered[0].outputTokens).toBeGreaterThan(0);
  });

  it(`${provider.name}: sends no phone, e-mail or name of the client, from the message, the history or the contact`, async () => {
    await llm().classify(TEXT, CONTEXT);
    const [body] = provider.bodies();
    expect(body).toContain('маникюр завтра в 5');
    expect(body).toContain('[имя]');
    for (const personal of PERSONAL) expect(body).not.toContain(personal);
  });

  it.each(['prose', 'broken-json', 'off-schema'])(
    `${provider.name}: falls back on a malformed answer (%s)`,
    async (kind) => {
      provider.fake.garbleNext(kind as never);
      await expect(llm().classify(TEXT, CONTEXT)).rejects.toMatchObject({ reason: 'invalid-output' });
      provider.fake.garbleNext(kind as never);
      await expect(hybrid().classify(TEXT, CONTEXT)).resolves.toMatchObject({ source: 'rules' });
    },
  );

  it.each([
    [429, 'rate-limited'],
    [500, 'http-error'],
    [503, 'http-error'],
  ] as const)(`${provider.name}: sorts HTTP %i as %s and falls back at once`, async (status, reason) => {
    provider.fake.failNext(provider.error(status), 1, (r) => !r.path.endsWith('/oauth'));
    await expect(llm().classify(TEXT, CONTEXT)).rejects.toMatchObject({ reason, status });

    provider.fake.failNext(provider.error(status), 1, (r) => !r.path.endsWith('/oauth'));
    const started = Date.now();
    await expect(hybrid().classify(TEXT, CONTEXT)).resolves.toMatchObject({ source: 'rules' });
    expect(Date.now() - started).toBeLessThan(1000); // not the 2 s budget: the error ends the wait
  });

  it(`${provider.name}: answers offline within the budget when the provider hangs`, async () => {
    provider.fake.latencyMs = 5000;
    const started = Date.now();
    await expect(hybrid(800).classify(TEXT, CONTEXT)).resolves.toMatchObject({ source: 'rules' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(750);
    expect(elapsed).toBeLessThan(800 + 600);
  });

  it(`${provider.name}: answers at least 90 % of a burst from the LLM when it takes 1.2 s a call`, async () => {
    provider.fake.latencyMs = 1200;
    const classifier = hybrid(2000);
    const sources: string[] = [];
    // 40 messages, 8 at a time: the triage workers' concurrency.
    const queue = Array.from({ length: 40 }, (_, i) => `${TEXT} #${i}`);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let text = queue.shift(); text; text = queue.shift()) {
          sources.push((await classifier.classify(text, CONTEXT)).source ?? 'none');
        }
      }),
    );
    const fromLlm = sources.filter((source) => source === 'llm').length;
    expect(fromLlm / sources.length).toBeGreaterThanOrEqual(0.9);
  }, 30_000);
});
