import type { Params } from 'nestjs-pino';
import { maskPhone } from '../shared/phone';

/**
 * Structured JSON logs. Secrets and personal data never go out in full: auth headers and provider secrets are
 * removed, phones keep only their edges, names and message texts are dropped.
 */
export function loggerParams(level: string): Params {
  return {
    pinoHttp: {
      level,
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-telegram-bot-api-secret-token"]',
          'req.headers["x-hub-signature-256"]',
          '*.name',
          '*.text',
          '*.phone',
        ],
        censor: (value: unknown, path: string[]) =>
          path[path.length - 1] === 'phone' && typeof value === 'string' ? maskPhone(value) : '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  };
}
