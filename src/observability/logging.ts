import type { ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { startTime } from 'pino-http';
import { maskPhone } from '../shared/phone';

/**
 * Structured JSON logs. Secrets and personal data never go out in full: auth headers and provider secrets are
 * removed, phones keep only their edges, names and message texts are dropped.
 */
export function loggerParams(level: string, slowRequestMs: number): Params {
  return {
    pinoHttp: {
      level,
      // A request line for what needs a look (errors, refusals, slow answers), not for each of hundreds a second.
      customLogLevel: (_req, res, error) => requestLogLevel(res, error, slowRequestMs),
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

/** error for 5xx, warn for 4xx, info for a success slower than `slowMs`, nothing for the rest. */
export function requestLogLevel(
  res: ServerResponse,
  error: unknown,
  slowMs: number,
): 'error' | 'warn' | 'info' | 'silent' {
  if (error || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  const started = (res as ServerResponse & { [startTime]?: number })[startTime];
  return started !== undefined && Date.now() - started >= slowMs ? 'info' : 'silent';
}
