import { spawnService } from '../support/service-process';

describe('start-up checks the environment', () => {
  const base = { ADMIN_API_TOKEN: 'a-long-enough-admin-token', LOG_LEVEL: 'warn' };

  it.each([
    ['PORT', { PORT: 'eighty' }, /PORT: .*must be an integer/],
    ['APP_ROLE', { APP_ROLE: 'everything' }, /APP_ROLE: must be one of all, api, worker \(got "everything"\)/],
    ['TZ_BUSINESS', { TZ_BUSINESS: 'Mars/Olympus' }, /TZ_BUSINESS: must be an IANA time zone/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/volna' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    ['ADMIN_API_TOKEN', { ADMIN_API_TOKEN: '' }, /ADMIN_API_TOKEN: must be set to a secret of at least 16 characters \(not set\)/],
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
});
