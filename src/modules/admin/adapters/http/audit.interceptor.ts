import {
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { READ_METHODS } from '../../../../http/admin-auth.guard';
import { adminCallerOf } from '../../../../http/admin-caller';
import {
  AUDIT_BEFORE,
  AUDIT_OUTSIDE_TRANSACTION,
  handedBefore,
  type AuditBeforeLoader,
} from '../../../../http/audit-context';
import { UnitOfWork } from '../../../../shared/unit-of-work';
import { AuditTrail } from '../../application/audit-trail';
import type { NewAuditEntry } from '../../domain/audit-entry';

const succeeded = (status: number) => status >= 200 && status < 300;

/**
 * Records every successful change made through the admin API (any request that passed AdminAuthGuard with a
 * method other than GET/HEAD), wherever its controller lives. The handler runs in one transaction with its audit
 * entry: a change is never kept without its entry, nor an entry without its change. Routes marked
 * @AuditOutsideTransaction() commit on their own, and their entry is written right after them.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly trail: AuditTrail,
    private readonly uow: UnitOfWork,
    private readonly moduleRef: ModuleRef,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const caller = adminCallerOf(request);
    if (!caller || READ_METHODS.has(request.method)) return next.handle();
    return defer(() => this.audited(context, request, caller.name, next));
  }

  private async audited(
    context: ExecutionContext,
    request: Request,
    tokenName: string,
    next: CallHandler,
  ): Promise<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    const loadedBefore = await this.loadBefore(context, request);
    const entryFor = (after: unknown): NewAuditEntry => ({
      tokenName,
      method: request.method,
      route: routePattern(request),
      params: pathParams(request),
      body: request.body ?? null,
      before: (handedBefore(request) ?? { value: loadedBefore }).value ?? null,
      after: after ?? null,
      status: response.statusCode,
    });
    const handle = () => lastValueFrom(next.handle(), { defaultValue: undefined });

    if (this.reflector.get<boolean>(AUDIT_OUTSIDE_TRANSACTION, context.getHandler())) {
      const result = await handle();
      if (succeeded(response.statusCode)) {
        await this.trail.record(entryFor(result)).catch((error: unknown) => this.reportFailure(request, error));
      }
      return result;
    }
    return this.uow.run(async () => {
      const result = await handle();
      if (succeeded(response.statusCode)) {
        try {
          await this.trail.record(entryFor(result));
        } catch (error) {
          this.reportFailure(request, error);
          throw new ServiceUnavailableException(
            'The change was not made: it could not be recorded in the audit log. It can be retried.',
          );
        }
      }
      return result;
    });
  }

  /** The resource before the change, through the route's @AuditBefore loader; null when it cannot be read. */
  private async loadBefore(context: ExecutionContext, request: Request): Promise<unknown> {
    const loader = this.reflector.get<AuditBeforeLoader | undefined>(AUDIT_BEFORE, context.getHandler());
    if (!loader) return null;
    try {
      const service = this.moduleRef.get(loader.provider, { strict: false });
      return (await loader.load(service, { params: pathParams(request), body: request.body })) ?? null;
    } catch (error) {
      // Usually an unknown or malformed id, which the handler itself answers (404, 400).
      this.logger.debug(`no "before" for ${request.method} ${routePattern(request)}: ${(error as Error).name}`);
      return null;
    }
  }

  /** Names the route and the error class only: the message may quote the body, which may hold personal data. */
  private reportFailure(request: Request, error: unknown): void {
    const code = (error as { code?: unknown }).code;
    this.logger.error(
      `audit entry not written for ${request.method} ${routePattern(request)}: ${(error as Error).name}` +
        (typeof code === 'string' ? ` (${code})` : ''),
    );
  }
}

/** Express 5 gives a wildcard's segments as an array; the audit keeps each parameter as one string. */
function pathParams(request: Request): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.params ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value.join('/') : value]),
  );
}

function routePattern(request: Request): string {
  const route = (request.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? route : request.path;
}
