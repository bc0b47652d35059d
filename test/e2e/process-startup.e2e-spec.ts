import { request, webchatId } from '../support/http';
import { envToStrings, spawnService } from '../support/service-process';
import { dropDatabase, testEnv } from '../support/test-env';

describe('start-up checks the environment', () => {
  const base = { ADMIN_API_TOKEN: 'a-long-enough-admin-token', LOG_LEVEL: 'warn' };

  it.each([
    ['PORT', { PORT: 'eighty' }, /PORT: .*must be an integer/],
    ['APP_ROLE', { APP_ROLE: 'everything' }, /APP_ROLE: must be one of all, api, worker \(got "everything"\)/],
    ['TZ_BUSINESS', { TZ_BUSINESS: 'Mars/Olympus' }, /TZ_BUSINESS: must be an IANA time zone/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/volna' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [
      'ADMIN_API_TOKEN',
      { ADMIN_API_TOKEN: '' },
      /ADMIN_API_TOKEN: must be set to a secret of at least 16 characters \(not set\)/,
    ],
  ])('a bad %s stops the process with exit code 1 and names it', async (_name, bad, message) => {
    const service = await spawnService({ ...base, ...bad } as Record<string, string>, { waitReady: false });
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(message);
    expect(service.output()).toMatch(/^Invalid environment:/m);
  });

  it('lists every problem, one line each, and never prints a secret', async () => {
    const service = await spawnService(
      { ...base, PORT: '0', RETRY_FACTOR: 'x', REDIS_URL: 'http://user:s3cret-pass@host' },
      { waitReady: false },
    );
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(service.output()).not.toContain('s3cret-pass');
  });

  it('a healthy instance starts, serves, and stops cleanly on SIGTERM', async () => {
    const env = envToStrings(testEnv());
    const service = await spawnService(env);
    try {
      const answer = await request(`${service.url}/api/v1/webchat/messages`, {
        body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'добрый вечер' },
      });
      expect(answer.status).toBe(202);
      const started = Date.now();
      service.child.kill('SIGTERM');
      await service.exited;
      expect(service.child.signalCode === 'SIGTERM' || service.child.exitCode === 0).toBe(true);
      expect(Date.now() - started).toBeLessThan(10000);
      expect(service.output()).not.toMatch(/"level":50/); // no error logged while shutting down
    } finally {
      await service.kill();
      await dropDatabase(env.DATABASE_URL);
    }
  });
});
