import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isStorageUnavailable } from '../database/storage-unavailable';
import { DomainError } from '../shared/domain-error';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemDetails } from './problem-details';
import { RequestValidationError } from './request-validation.error';

/** Domain error codes and the HTTP status each maps to; anything unknown is a 500. */
const STATUS_BY_CODE: Record<string, number> = {
  'REQUEST.INVALID': HttpStatus.BAD_REQUEST,
  'OUTBOX.DEAD_LETTER_NOT_FOUND': HttpStatus.NOT_FOUND,
  'OUTBOX.DEAD_LETTER_DISCARDED': HttpStatus.CONFLICT,
  'WEBHOOK.UNAUTHENTICATED': HttpStatus.UNAUTHORIZED,
  'WEBHOOK.FORBIDDEN': HttpStatus.FORBIDDEN,
  'SCHEDULING.SLOT_TAKEN': HttpStatus.CONFLICT,
  'SCHEDULING.SLOT_UNAVAILABLE': HttpStatus.CONFLICT,
  'SCHEDULING.CONFLICT': HttpStatus.CONFLICT,
  'SCHEDULING.NOT_FOUND': HttpStatus.NOT_FOUND,
  'SCHEDULING.INVALID': HttpStatus.BAD_REQUEST,
};

/** Seconds a client is asked to wait when the database is down or restarting. */
const STORAGE_RETRY_AFTER_S = 5;

/** Every error leaves as application/problem+json; no stack trace or internal message reaches the client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // Nothing was stored: 503 with Retry-After tells a provider or the widget to send it again shortly.
    const storageDown = isStorageUnavailable(exception);
    const problemOf = storageDown ? storageProblem() : this.toProblem(exception);
    const body = { ...problemOf, instance: request.originalUrl?.split('?')[0] };
    if (storageDown) {
      // One line, not a stack per request, while the database restarts.
      this.logger.warn(`database unavailable, ${body.instance} answered 503: ${messageOf(exception)}`);
    } else if (!(exception instanceof HttpException) && !(exception instanceof DomainError && body.status < 500)) {
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    }
    if (response.headersSent) return;
    if (storageDown) response.setHeader('Retry-After', String(STORAGE_RETRY_AFTER_S));
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationError) {
      return problem(400, 'validation', 'Invalid request', exception.message, { errors: exception.fields });
    }
    if (exception instanceof DomainError) {
      const status = STATUS_BY_CODE[exception.code] ?? 500;
      const slug = exception.code.toLowerCase().replace(/_/g, '-');
      return problem(
        status,
        slug,
        titleOf(status),
        status < 500 ? exception.message : 'Something went wrong on our side.',
      );
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail =
        typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? exception.message);
      const extra =
        typeof response === 'object' && response !== null && 'problem' in response
          ? (response as { problem: object }).problem
          : {};
      return problem(status, slugOf(status), titleOf(status), detail, extra);
    }
    return problem(500, 'internal', titleOf(500), 'Something went wrong on our side. The request can be retried.');
  }
}

function storageProblem(): ProblemDetails {
  const detail = 'The service cannot store the request right now. Retry it in a few seconds.';
  return problem(503, 'storage-unavailable', titleOf(503), detail);
}

function messageOf(exception: unknown): string {
  return String((exception as { message?: unknown } | null)?.message ?? exception);
}

function titleOf(status: number): string {
  return (HttpStatus[status] ?? 'Error')
    .toString()
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}

function slugOf(status: number): string {
  return (HttpStatus[status] ?? 'error').toString().toLowerCase().replace(/_/g, '-');
}
