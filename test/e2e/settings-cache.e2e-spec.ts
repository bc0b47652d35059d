import { request, webchatId } from '../support/http';
import { envToStrings, spawnService, type ServiceProcess } from '../support/service-process';
import { dropDatabase, testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

/**
 * Workers keep the business's settings in memory. An admin's change made through one process (the api) reaches
 * the bot in another (the worker) at once, not when the cache would have expired.
 */
describe('a price changed in the admin API is what the bot quotes next, in every process', () => {
  const env = envToStrings(testEnv({ LOG_LEVEL: 'error' }));
  let api: ServiceProcess;
  let worker: ServiceProcess;

  const admin = (path: string, init: { method?: string; body?: unknown }) =>
    request(`${api.url}/api/admin/v1${path}`, { ...init, admin: true });
  const priceQuote = async (question: string): Promise<string> => {
    const sessionId = webchatId('s');
    const sent = await request(`${api.url}/api/v1/webchat/messages`, {
      body: { sessionId, clientMessageId: webchatId('m'), text: question },
    });
    expect(sent.status).toBe(202);
    let reply = '';
    await waitFor(
      async () => {
        const transcript = await request(`${api.url}/api/v1/webchat/sessions/${sessionId}/messages`);
        reply = transcript.body.messages?.find((m: { from: string }) => m.from === 'bot')?.text ?? '';
        return reply !== '';
      },
      { what: 'the bot answered', timeoutMs: 15_000 },
    );
    return reply.replace(/\s/g, ' ');
  };

  beforeAll(async () => {
    [api, worker] = await Promise.all([
      spawnService({ ...env, APP_ROLE: 'api' }),
      spawnService({ ...env, APP_ROLE: 'worker' }),
    ]);
  });
  afterAll(async () => {
    for (const child of [api, worker]) await child?.kill('SIGTERM');
    await dropDatabase(env.DATABASE_URL);
  });

  it('the worker quotes the new price right after the change, well within the cache lifetime', async () => {
    const created = await admin('/services', {
      body: { name: 'Ламинирование ресниц', durationMinutes: 60, priceRub: 2000 },
    });
    expect(created.status).toBe(201);
    expect(await priceQuote('сколько стоит ламинирование ресниц?')).toMatch(/2 000 ₽/);

    const changed = await admin(`/services/${created.body.id}`, { method: 'PATCH', body: { priceRub: 2500 } });
    expect(changed.status).toBe(200);
    const quote = await priceQuote('а сколько сейчас стоит ламинирование ресниц?');
    expect(quote).toMatch(/2 500 ₽/);
    expect(quote).not.toMatch(/2 000 ₽/);
  });
});
