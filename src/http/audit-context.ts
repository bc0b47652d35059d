import { SetMetadata } from '@nestjs/common';

export const AUDIT_BEFORE = 'volna:audit:before';
export const AUDIT_OUTSIDE_TRANSACTION = 'volna:audit:outside-transaction';

/** What a `before` loader sees of the request: the raw path parameters and body. */
export interface AuditedRequest {
  params: Record<string, string>;
  body: unknown;
}

export interface AuditBeforeLoader<T = unknown> {
  provider: abstract new (...args: never[]) => T;
  load: (service: T, request: AuditedRequest) => Promise<unknown> | unknown;
}

/**
 * The audit entry of this route records what the resource looked like before the change, as `load` reads it
 * from a provider of the application (looked up across modules). It runs before the handler and outside its
 * transaction; when it fails (an unknown or malformed id) `before` stays null and the handler answers as usual.
 *
 *   @AuditBefore(SchedulingCatalog, (catalog, { params }) => catalog.getService(params.id))
 */
export function AuditBefore<T>(
  provider: abstract new (...args: never[]) => T,
  load: (service: T, request: AuditedRequest) => Promise<unknown> | unknown,
): MethodDecorator {
  return SetMetadata(AUDIT_BEFORE, { provider, load } satisfies AuditBeforeLoader<T>);
}

/**
 * For handlers that commit in several transactions on purpose (batches): the audit does not wrap the handler in
 * one transaction but writes its entry right after the handler succeeds.
 */
export const AuditOutsideTransaction = (): MethodDecorator => SetMetadata(AUDIT_OUTSIDE_TRANSACTION, true);

const befores = new WeakMap<object, unknown>();

/**
 * Lets a handler hand the audit the resource as it was before its change, from inside the handler (so read in
 * the same transaction as the change). Wins over an @AuditBefore loader.
 */
export function auditBefore(request: object, value: unknown): void {
  befores.set(request, value);
}

/** What the handler handed over with auditBefore, if it did. */
export function handedBefore(request: object): { value: unknown } | undefined {
  return befores.has(request) ? { value: befores.get(request) } : undefined;
}
