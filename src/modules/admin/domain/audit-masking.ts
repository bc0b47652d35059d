import { maskPhone } from '../../../shared/phone';

const SECRET_KEY = /token|password|passwd|secret|api[-_]?key|authorization|credential/i;
const PHONE_KEY = /phone/i;
export const MASKED = '***';

/**
 * A copy of `value` safe to keep in the audit log, which read-only tokens can read: values under keys that
 * name a secret become "***", phones keep the country code and the last two digits. Applies at any depth.
 */
export function maskSensitive(value: unknown): unknown {
  return maskNested(value, null);
}

type Kind = 'secret' | 'phone' | null;

function maskNested(value: unknown, kind: Kind): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => maskNested(item, kind));
  if (value instanceof Date) return kind ? MASKED : value;
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        maskNested(inner, kind ?? kindOf(key)),
      ]),
    );
  }
  if (kind === 'secret') return MASKED;
  if (kind === 'phone') return typeof value === 'string' ? maskPhone(value) : MASKED;
  return value;
}

function kindOf(key: string): Kind {
  if (SECRET_KEY.test(key)) return 'secret';
  if (PHONE_KEY.test(key)) return 'phone';
  return null;
}
