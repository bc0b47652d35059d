import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { PROBLEM_CONTENT_TYPE, problem } from './problem-details';

export const MAX_BODY_BYTES = 64 * 1024;

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * JSON bodies up to 64 KiB. body-parser's errors happen before Nest's filters see the request, so they are
 * turned into problem details here.
 */
export function useJsonBodies(app: INestApplication): void {
  app.use(express.json({ limit: MAX_BODY_BYTES }));
  app.use((error: BodyParserError, request: Request, response: Response, next: NextFunction) => {
    if (!error?.type) return next(error);
    const instance = request.originalUrl.split('?')[0];
    const body =
      error.type === 'entity.too.large'
        ? problem(
            413,
            'payload-too-large',
            'Payload too large',
            `The body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
          )
        : error.type === 'entity.parse.failed'
          ? problem(400, 'invalid-json', 'Invalid JSON', 'The body is not valid JSON.')
          : problem(error.status ?? 400, 'unreadable-body', 'Unreadable body', error.message);
    response
      .status(body.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify({ ...body, instance }));
  });
}
