import type { Request } from 'express';

/**
 * The caller's address. With no trusted proxies (the default) it is the socket's peer, which a client cannot
 * forge. Behind `trustedProxyHops` reverse proxies, each of which appends the address it received from to
 * X-Forwarded-For, the client is the entry that many hops from the end (as Express's `trust proxy` = n does);
 * entries further left were written by the client and are ignored.
 */
export function clientAddress(request: Request, trustedProxyHops: number): string {
  const peer = request.socket?.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)];
}
