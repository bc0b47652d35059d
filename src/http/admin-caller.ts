import type { AdminCaller } from './admin-tokens';

const callers = new WeakMap<object, AdminCaller>();

/** Set by AdminAuthGuard once the token is known: the audit records who made a change. */
export function attachAdminCaller(request: object, caller: AdminCaller): void {
  callers.set(request, caller);
}

/** The caller of an admin request, or undefined when the request did not pass AdminAuthGuard. */
export function adminCallerOf(request: object): AdminCaller | undefined {
  return callers.get(request);
}
