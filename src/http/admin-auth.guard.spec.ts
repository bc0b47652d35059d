import { ForbiddenException, HttpException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { EnvironmentVariables } from '../config/env.validation';
import type { AdminAuthAttempts } from './admin-auth-attempts';
import { AdminAuthGuard } from './admin-auth.guard';
import { adminCallerOf } from './admin-caller';
import { AdminTokens } from './admin-tokens';

const FULL = 'full-access-token-0123456789';
const READER = 'reader-token-0123456789';

class CountingAttempts {
  failures = new Map<string, number>();
  blockedSeconds = 0;
  async blockedForSeconds(): Promise<number> {
    return this.blockedSeconds;
  }
  async recordFailure(address: string): Promise<void> {
    this.failures.set(address, (this.failures.get(address) ?? 0) + 1);
  }
}

function call(method: string, authorization?: string) {
  const headers: Record<string, string> = {};
  const request = {
    method,
    headers: authorization === undefined ? {} : { authorization },
    socket: { remoteAddress: '10.0.0.7' },
  };
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, request, headers };
}

describe('AdminAuthGuard', () => {
  let attempts: CountingAttempts;
  let guard: AdminAuthGuard;

  beforeEach(() => {
    attempts = new CountingAttempts();
    guard = new AdminAuthGuard(
      { ADMIN_TRUST_PROXY_HOPS: 0 } as EnvironmentVariables,
      new AdminTokens(FULL, [{ name: 'accountant', token: READER }]),
      attempts as unknown as AdminAuthAttempts,
    );
  });

  it('lets the full-access token change things and names it "admin"', async () => {
    const { context, request } = call('POST', `Bearer ${FULL}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(adminCallerOf(request)).toEqual({ name: 'admin', readOnly: false });
  });

  it('lets a read-only token read, under its own name', async () => {
    for (const method of ['GET', 'HEAD']) {
      const { context, request } = call(method, `bearer ${READER}`);
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(adminCallerOf(request)).toEqual({ name: 'accountant', readOnly: true });
    }
  });

  it('refuses a read-only token any change with 403', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const { context, request } = call(method, `Bearer ${READER}`);
      await expect(guard.canActivate(context)).rejects.toThrow(new ForbiddenException('this token is read-only'));
      expect(adminCallerOf(request)).toBeUndefined();
    }
    expect(attempts.failures.size).toBe(0);
  });

  it('401 for a missing token (not counted) and a wrong one (counted per address)', async () => {
    for (const header of [undefined, '', `Basic ${FULL}`, 'Bearer']) {
      const { context, headers } = call('GET', header);
      await expect(guard.canActivate(context)).rejects.toBeInstanceOf(UnauthorizedException);
      expect(headers['WWW-Authenticate']).toBe('Bearer');
    }
    expect(attempts.failures.size).toBe(0);

    for (const token of [`${FULL}x`, FULL.slice(0, -1), 'short']) {
      await expect(guard.canActivate(call('GET', `Bearer ${token}`).context)).rejects.toBeInstanceOf(
        UnauthorizedException,
      );
    }
    expect(attempts.failures.get('10.0.0.7')).toBe(3);
  });

  it('429 with Retry-After while the address is blocked, even with the right token', async () => {
    attempts.blockedSeconds = 42;
    const { context, headers, request } = call('GET', `Bearer ${FULL}`);
    const refusal = await guard.canActivate(context).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HttpException);
    expect((refusal as HttpException).getStatus()).toBe(429);
    expect(headers['Retry-After']).toBe('42');
    expect(adminCallerOf(request)).toBeUndefined();
  });
});
