import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { jsonNestedDeeperThan, MAX_JSON_DEPTH, storableStrings } from './json-safety';
import { PROBLEM_CONTENT_TYPE, problem } from './problem-details';

export const MAX_BODY_BYTES = 64 * 1024;
/** Providers batch events (a Meta POST may carry many), so webhooks get more room than our own API. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
export const WEBHOOK_PATH_PREFIX = '/webhooks/';

/** A webhook request keeps its body's exact bytes: signatures are computed over them, never over re-serialized JSON. */
export interface RawBodyRequest extends Request {
  rawBody?: Buffer;
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

const TOO_DEEP = 'entity.too.deep';

/** Refuses absurdly nested JSON before it is parsed (body-parser reports a verify error with its `type`). */
function refuseDeepNesting(buffer: Buffer): void {
  if (jsonNestedDeeperThan(buffer, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`The body is nested deeper than ${MAX_JSON_DEPTH} levels.`), { type: TOO_DEEP });
  }
}

/**
 * JSON bodies up to 64 KiB, and up to 1 MiB with the raw bytes kept under /webhooks/. body-parser's errors happen
 * before Nest's filters see the request, so they are turned into problem details here.
 */
export function useJsonBodies(app: INestApplication): void {
  const webhooks = express.json({
    limit: MAX_WEBHOOK_BODY_BYTES,
    type: () => true, // providers do not all send a JSON content type; the signature decides what is trusted
    reviver: storableStrings,
    verify: (request: RawBodyRequest, _response, buffer) => {
      refuseDeepNesting(buffer);
      request.rawBody = buffer;
    },
  });
  const api = express.json({
    limit: MAX_BODY_BYTES,
    reviver: storableStrings,
    verify: (_request, _response, buffer) => refuseDeepNesting(buffer),
  });
  app.use((request: Request, response: Response, next: NextFunction) =>
    request.path.startsWith(WEBHOOK_PATH_PREFIX) ? webhooks(request, response, next) : api(request, response, next),
  );
  app.use((error: BodyParserError, request: Request, response: Response, next: NextFunction) => {
    if (!error?.type) return next(error);
    const instance = request.originalUrl.split('?')[0];
    const limit = error.limit ?? MAX_BODY_BYTES;
    const body =
      error.type === 'entity.too.large'
        ? problem(413, 'payload-too-large', 'Payload too large', `The body is larger than ${limit / 1024} KiB.`)
        : error.type === 'entity.parse.failed'
          ? problem(400, 'invalid-json', 'Invalid JSON', 'The body is not valid JSON.')
          : error.type === TOO_DEEP
            ? problem(400, 'too-deeply-nested', 'Too deeply nested', error.message)
            : problem(error.status ?? 400, 'unreadable-body', 'Unreadable body', error.message);
    response
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...body, instance }));
  });
}
