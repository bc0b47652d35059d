import { validateEnvironment } from './env.validation';

const required = {
  DATABASE_URL: 'postgres://localhost/volna',
  REDIS_URL: 'redis://localhost:6379',
  ADMIN_API_TOKEN: 'a-secret-of-24-characters',
};

describe('the database pool size', () => {
  it('is 60 for processes that run workers and 10 for an api process, which holds a connection per statement', () => {
    expect(validateEnvironment({ ...required }).DATABASE_POOL_SIZE).toBe(80);
    expect(validateEnvironment({ ...required, APP_ROLE: 'worker' }).DATABASE_POOL_SIZE).toBe(80);
    expect(validateEnvironment({ ...required, APP_ROLE: 'api' }).DATABASE_POOL_SIZE).toBe(10);
  });

  it('is what the deployment sets, whatever the role', () => {
    expect(validateEnvironment({ ...required, APP_ROLE: 'api', DATABASE_POOL_SIZE: '15' }).DATABASE_POOL_SIZE).toBe(15);
  });
});
