import type { Request } from 'express';
import { EnvironmentError, validateEnvironment } from '../config/env.validation';
import { AdminTokens, bearerToken, parseReadonlyTokens } from './admin-tokens';
import { clientAddress } from './client-address';

describe('parseReadonlyTokens', () => {
  it('reads name:token pairs, spaces around entries allowed', () => {
    expect(parseReadonlyTokens(' accountant:aaaaaaaaaaaaaaaa1 , bi_export-2:bb:bbbbbbbbbbbbbbbb ')).toEqual({
      tokens: [
        { name: 'accountant', token: 'aaaaaaaaaaaaaaaa1' },
        { name: 'bi_export-2', token: 'bb:bbbbbbbbbbbbbbbb' },
      ],
      problems: [],
    });
    expect(parseReadonlyTokens(undefined)).toEqual({ tokens: [], problems: [] });
  });

  it('names every problem without quoting a token', () => {
    const { problems } = parseReadonlyTokens(
      'Accountant:aaaaaaaaaaaaaaaa,short:tooshort-secret,admin:cccccccccccccccc,x:dddddddddddddddd,x:eeeeeeeeeeeeeeee,y:dddddddddddddddd,nocolon',
    );
    expect(problems).toEqual([
      'entry 1: must be name:token with a name of a-z, 0-9, "_" or "-"',
      'entry 2 (short): the token must be at least 16 characters without spaces',
      'entry 3 (admin): the name "admin" is the full-access token\'s',
      'entry 5 (x): the name is used twice',
      'entry 6 (y): the token is used twice',
      'entry 7: must be name:token with a name of a-z, 0-9, "_" or "-"',
      'entry 7: the token must be at least 16 characters without spaces',
    ]);
    expect(problems.join(' ')).not.toMatch(/tooshort|aaaa|cccc|dddd/);
  });
});

describe('ADMIN_READONLY_TOKENS in the environment', () => {
  const full = 'full-access-token-0123';

  it('stops start-up with the problems, never quoting a token', () => {
    const attempt = () =>
      validateEnvironment({ ADMIN_API_TOKEN: full, ADMIN_READONLY_TOKENS: `bi:${full},ops:short-secret` });
    expect(attempt).toThrow(EnvironmentError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('ADMIN_READONLY_TOKENS: entry 2 (ops): the token must be at least 16 characters');
    expect(message).toContain('a read-only token equals ADMIN_API_TOKEN');
    expect(message).not.toContain(full);
    expect(message).not.toContain('short-secret');
  });

  it('accepts valid pairs and defaults the login limit', () => {
    const env = validateEnvironment({ ADMIN_API_TOKEN: full, ADMIN_READONLY_TOKENS: 'bi:reader-token-0123456789' });
    expect(env).toMatchObject({
      ADMIN_AUTH_MAX_FAILURES: 10,
      ADMIN_AUTH_WINDOW_SECONDS: 60,
      ADMIN_TRUST_PROXY_HOPS: 0,
    });
  });
});

describe('AdminTokens', () => {
  const tokens = new AdminTokens('full-access-token-0123', [{ name: 'reader', token: 'reader-token-01234567' }]);

  it('identifies each token by name and access, and nothing else', () => {
    expect(tokens.identify('full-access-token-0123')).toEqual({ name: 'admin', readOnly: false });
    expect(tokens.identify('reader-token-01234567')).toEqual({ name: 'reader', readOnly: true });
    expect(tokens.identify('full-access-token-012')).toBeNull();
    expect(tokens.identify('')).toBeNull();
    expect(tokens.identify(null)).toBeNull();
  });

  it('takes the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});

describe('clientAddress', () => {
  const request = (forwarded?: string) =>
    ({ socket: { remoteAddress: '10.0.0.2' }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as Request;

  it('is the socket peer unless proxies are trusted', () => {
    expect(clientAddress(request('6.6.6.6'), 0)).toBe('10.0.0.2');
  });

  it('counts trusted hops from the end of X-Forwarded-For, ignoring what the client wrote before', () => {
    expect(clientAddress(request('6.6.6.6, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientAddress(request('6.6.6.6, 203.0.113.9, 10.0.0.1'), 2)).toBe('203.0.113.9');
    expect(clientAddress(request(), 1)).toBe('10.0.0.2');
  });
});
