import { Logger } from '@nestjs/common';
import type { Client } from 'pg';
import { HybridIntentClassifier } from '../../src/modules/triage/adapters/hybrid/hybrid-intent.classifier';
import { LlmIntentClassifier } from '../../src/modules/triage/adapters/llm/llm-intent.classifier';
import { createLlmFetch } from '../../src/modules/triage/adapters/llm/llm-http';
import { OpenAiChat } from '../../src/modules/triage/adapters/llm/providers/openai.chat';
import { LlmTriageError } from '../../src/modules/triage/adapters/llm/llm-triage.errors';
import { RulesIntentClassifier } from '../../src/modules/triage/adapters/rules/rules-intent.classifier';
import { BUSINESS_PRESETS, replyFor } from '../../src/modules/triage/domain/business-presets';
import { classifyMessage } from '../../src/modules/triage/domain/rules-intent-classifier';
import { FAKE_OPENAI_KEY, FakeOpenAi, lastUserContent, openAiError, promptOf } from '../fakes/openai/fake-openai';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { connectDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

const PRICE = { intent: 'price', confidence: 0.93, urgency: 'cold', escalate: false, slots: { service: 'маникюр' } };
const BOOKING = {
  intent: 'booking',
  confidence: 0.95,
  urgency: 'hot',
  escalate: false,
  slots: { service: 'маникюр', date: 'завтра', time: 'в 5', name: 'Катя', phone: null },
};
const BOOKING_TEXT = 'хочу на маникюр завтра в 5, я Катя, мой номер 8 913 123-45-67';
/** The rules call this `other`; the scripted model reads it as a price question. */
const PRICE_TEXT = 'а маникюр с дизайном у вас делают? мой номер +7 902 914-33-20';

describe('LLM triage against an OpenAI-compatible server', () => {
  const fake = new FakeOpenAi();
  let baseUrl: string;

  const classifier = (over: { timeoutMs?: number; maskPii?: boolean } = {}) =>
    new LlmIntentClassifier(
      new OpenAiChat({
        apiKey: FAKE_OPENAI_KEY,
        model: 'gpt-4o-mini',
        baseUrl,
        timeoutMs: over.timeoutMs ?? 2000,
        fetch: createLlmFetch(),
      }),
      { timeoutMs: 2000, maskPii: true, preset: BUSINESS_PRESETS.salon, ...over },
    );

  beforeAll(async () => {
    baseUrl = `${await fake.start()}/v1`;
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    // LangChain warns (misleadingly, about upgrading) when a function call's arguments are not JSON: the broken-json cases.
    const warn = console.warn.bind(console);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('New LangChain packages')) warn(...args);
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.clearFaults();
    fake.latencyMs = 0;
    fake.apiKey = FAKE_OPENAI_KEY;
    fake.script = (req) => (/завтра в 5/.test(lastUserContent(req)) ? BOOKING : PRICE);
  });

  describe('the LLM adapter', () => {
    it('asks for a forced function call and returns the structured triage, the phone taken locally', async () => {
      const result = await classifier().classify(BOOKING_TEXT, {
        recentMessages: [
          { from: 'client', text: 'здравствуйте' },
          { from: 'bot', text: 'Здравствуйте! Подскажите, на какую услугу вас записать?' },
        ],
      });

      expect(result).toEqual({
        intent: 'booking',
        intents: ['booking'],
        lang: 'ru',
        confidence: 0.95,
        urgency: 'hot',
        escalate: false,
        slots: { service: 'маникюр', date: 'завтра', time: 'в 5', name: 'Катя', phone: '8 913 123-45-67' },
        source: 'llm',
      });
      const [req] = fake.requests;
      expect(req.path).toBe('/v1/chat/completions');
      expect(req.headers.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
      expect(req.body).toMatchObject({
        model: 'gpt-4o-mini',
        temperature: 0,
        tool_choice: { type: 'function', function: { name: 'triage' } },
        tools: [{ type: 'function', function: { name: 'triage', parameters: { type: 'object' } } }],
      });
      expect(req.body.tools[0].function.parameters.properties.intent.enum).toContain('consultation');
    });

    it('sends the business profile and the conversation, and no raw phone', async () => {
      await classifier().classify(BOOKING_TEXT, {
        recentMessages: [{ from: 'client', text: 'мой второй номер 8 (391) 271-40-18' }],
      });

      const prompt = promptOf(fake.completions[0]);
      expect(prompt).toContain('салон красоты');
      expect(prompt).toContain(BUSINESS_PRESETS.salon.replies.address);
      expect(prompt).toContain('client: мой второй номер [телефон]');
      expect(prompt).toContain('<message>хочу на маникюр завтра в 5, я [имя], мой номер [телефон]</message>');
      expect(fake.requests[0].rawBody).not.toMatch(/123-45-67|271-40-18|913|Катя/);
    });

    it('reads a follow-up against the dialog: the state goes in the prompt, every intent comes back', async () => {
      fake.script = () => ({ ...BOOKING, intents: ['booking', 'price', 'address'], slots: {} });
      const result = await classifier().classify('а пораньше можно? и сколько стоит, где вы', {
        dialog: { service: 'Маникюр', offered: ['пт 04.12, 18:00', 'пт 04.12, 18:30'], awaiting: 'slot' },
      });
      expect(result.intents).toEqual(['booking', 'price', 'address']);
      const prompt = promptOf(fake.completions[0]);
      expect(prompt).toContain('the client is booking: Маникюр');
      expect(prompt).toContain('the bot offered these times: пт 04.12, 18:00; пт 04.12, 18:30');
      expect(JSON.stringify(fake.completions[0].tools?.[0].function.parameters)).toContain('"intents"');
    });

    it('keeps the safety net when the model misses an escalation', async () => {
      fake.script = () => ({ ...BOOKING, slots: {} });
      const result = await classifier().classify('у меня экзема на руках, можно на маникюр?');
      expect(result).toMatchObject({ intent: 'booking', escalate: true, escalation: 'medical' });
    });

    it('sends the phone as written when masking is off', async () => {
      await classifier({ maskPii: false }).classify(BOOKING_TEXT);
      expect(lastUserContent(fake.completions[0])).toContain('8 913 123-45-67');
    });

    it.each(['prose', 'broken-json', 'off-schema'] as const)(
      'treats a garbage answer (%s) as an error',
      async (kind) => {
        fake.garbleNext(kind);
        await expect(classifier().classify(PRICE_TEXT)).rejects.toMatchObject({
          name: 'LlmTriageError',
          reason: 'invalid-output',
        });
      },
    );

    it.each([
      [500, 'http-error'],
      [503, 'http-error'],
      [429, 'rate-limited'],
    ] as const)('reports HTTP %i as %s, with one request and no retry', async (status, reason) => {
      fake.failNext(openAiError(status));
      const error = await classifier()
        .classify(PRICE_TEXT)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmTriageError);
      expect(error).toMatchObject({ reason, status });
      expect(fake.requests).toHaveLength(1);
    });

    it('reports a wrong key as HTTP 401', async () => {
      fake.apiKey = 'sk-another-key';
      await expect(classifier().classify(PRICE_TEXT)).rejects.toMatchObject({
        reason: 'unauthorized',
        status: 401,
      });
    });

    it('gives up after its own timeout', async () => {
      fake.latencyMs = 3000;
      const started = Date.now();
      await expect(classifier({ timeoutMs: 300 }).classify(PRICE_TEXT)).rejects.toMatchObject({
        reason: 'timeout',
      });
      expect(Date.now() - started).toBeLessThan(300 + 300);
    });
  });

  describe('the hybrid classifier', () => {
    const BUDGET_MS = 2000;
    let now: number;
    const hybrid = () =>
      new HybridIntentClassifier(classifier(), new RulesIntentClassifier(), {
        budgetMs: BUDGET_MS,
        failureThreshold: 5,
        openMs: 30_000,
        now: () => now,
      });
    const rulesSay = (text: string) => ({ ...classifyMessage(text), source: 'rules' });
    beforeEach(() => {
      now = 0;
    });

    it('answers with the LLM when it is healthy', async () => {
      await expect(hybrid().classify(PRICE_TEXT)).resolves.toMatchObject({ intent: 'price', source: 'llm' });
    });

    it('answers with the rules within the budget when the LLM takes 3 s', async () => {
      fake.latencyMs = 3000;
      const started = Date.now();
      const result = await hybrid().classify(PRICE_TEXT);
      const elapsed = Date.now() - started;

      expect(result).toEqual(rulesSay(PRICE_TEXT));
      expect(elapsed).toBeGreaterThanOrEqual(BUDGET_MS - 50);
      expect(elapsed).toBeLessThan(BUDGET_MS + 300);
    });

    it('answers with the rules at once when the LLM answers 500', async () => {
      fake.failNext(openAiError(500));
      const started = Date.now();
      const result = await hybrid().classify(PRICE_TEXT);

      expect(result).toEqual(rulesSay(PRICE_TEXT));
      expect(Date.now() - started).toBeLessThan(BUDGET_MS + 300);
      expect(fake.requests).toHaveLength(1);
    });

    it('answers with the rules when the LLM answers garbage', async () => {
      fake.garbleNext('broken-json');
      await expect(hybrid().classify(PRICE_TEXT)).resolves.toEqual(rulesSay(PRICE_TEXT));
    });

    it('stops calling the LLM after 5 failures, then lets one probe through after the cool-down', async () => {
      const classifier = hybrid();
      fake.failNext(openAiError(500), 6);
      for (let i = 0; i < 5; i++) await classifier.classify(PRICE_TEXT);
      expect(fake.requests).toHaveLength(5);

      for (let i = 0; i < 20; i++) {
        await expect(classifier.classify(PRICE_TEXT)).resolves.toMatchObject({ source: 'rules' });
      }
      expect(fake.requests).toHaveLength(5);

      now += 30_000; // the probe fails (the 6th scripted 500): open for another cool-down
      await classifier.classify(PRICE_TEXT);
      expect(fake.requests).toHaveLength(6);
      await classifier.classify(PRICE_TEXT);
      expect(fake.requests).toHaveLength(6);

      now += 30_000; // this probe succeeds and closes the circuit
      await expect(classifier.classify(PRICE_TEXT)).resolves.toMatchObject({ intent: 'price', source: 'llm' });
      await expect(classifier.classify(BOOKING_TEXT)).resolves.toMatchObject({ intent: 'booking', source: 'llm' });
      expect(fake.requests).toHaveLength(8);
    });
  });

  describe('in the running app', () => {
    const LLM_TIMEOUT_MS = 1000;
    let running: RunningApp;
    let db: Client;

    beforeAll(async () => {
      // No TRIAGE_CLASSIFIER: a key alone makes the hybrid the classifier.
      const env = testEnv({
        OPENAI_API_KEY: FAKE_OPENAI_KEY,
        OPENAI_BASE_URL: baseUrl,
        BUSINESS_PRESET: 'salon',
        LLM_TIMEOUT_MS: String(LLM_TIMEOUT_MS),
      });
      running = await startApp(env);
      db = await connectDatabase(env.DATABASE_URL);
    });
    afterAll(async () => {
      await db?.end();
      await running?.close();
    });

    /** Posts a webchat message and waits for the bot's reply. */
    async function converse(text: string): Promise<{ messageId: string; reply: string }> {
      const sessionId = webchatId('s');
      const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
        body: { sessionId, clientMessageId: webchatId('m'), text },
      });
      expect(accepted.status).toBe(202);
      const messages = await waitFor(
        async () => {
          const { body } = await request(`${running.url}/api/v1/webchat/sessions/${sessionId}/messages`);
          return body.messages?.some((m: { from: string }) => m.from === 'bot') && body.messages;
        },
        { what: 'bot reply' },
      );
      return {
        messageId: accepted.body.messageId,
        reply: messages.find((m: { from: string }) => m.from === 'bot').text,
      };
    }
    const triageOf = async (messageId: string) =>
      (await db.query('SELECT triage FROM messages WHERE id = $1', [messageId])).rows[0].triage;

    it('classifies a webchat message with the LLM (hybrid by default) and replies to that intent', async () => {
      expect(classifyMessage(PRICE_TEXT).intent).not.toBe('price');
      const { messageId, reply } = await converse(PRICE_TEXT);
      // The price list from the service catalogue, or the preset's price reply when no service has a price.
      const presetPriceReply = replyFor(BUSINESS_PRESETS.salon, 'price', {})!;
      expect(reply === presetPriceReply || reply.startsWith('Цены:')).toBe(true);
      expect(reply).not.toBe(replyFor(BUSINESS_PRESETS.salon, 'other', {}));

      expect(await triageOf(messageId)).toMatchObject({
        intent: 'price',
        source: 'llm',
        slots: { phone: '+7 902 914-33-20' },
      });
      expect(fake.completions).toHaveLength(1);
      expect(fake.requests[0].rawBody).not.toContain('914-33-20');
    });

    it('replies by the rules, without waiting for an LLM that does not answer', async () => {
      fake.failNext('hang');
      const started = Date.now();
      const { messageId, reply } = await converse(PRICE_TEXT);

      expect(Date.now() - started).toBeLessThan(LLM_TIMEOUT_MS + 1500); // the budget, plus queue and reply
      // The offline model answers in its place.
      expect(await triageOf(messageId)).toMatchObject({ source: 'model' });
      expect(reply.length).toBeGreaterThan(0);
      expect(fake.completions).toHaveLength(1);
    });
  });
});
