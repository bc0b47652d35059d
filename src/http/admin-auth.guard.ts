import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { EnvironmentVariables } from '../config/env.validation';
import { AdminAuthAttempts } from './admin-auth-attempts';
import { attachAdminCaller } from './admin-caller';
import { AdminTokens, bearerToken } from './admin-tokens';
import { clientAddress } from './client-address';

/** Methods a read-only token may use. */
export const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * `Authorization: Bearer <token>`: ADMIN_API_TOKEN may do everything, a token of ADMIN_READONLY_TOKENS may only
 * read. Wrong tokens are counted per client address; past the limit the address gets 429 until the window passes,
 * whatever token it sends. The caller is attached to the request for the audit log. A token is never logged.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly env: EnvironmentVariables,
    private readonly tokens: AdminTokens,
    private readonly attempts: AdminAuthAttempts,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const address = clientAddress(request, this.env.ADMIN_TRUST_PROXY_HOPS);

    const retryAfter = await this.attempts.blockedForSeconds(address);
    if (retryAfter > 0) {
      response.setHeader('Retry-After', String(retryAfter));
      throw new HttpException(
        `Too many failed admin logins from this address; try again in ${retryAfter} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }

    const presented = bearerToken(request.headers.authorization);
    const caller = this.tokens.identify(presented);
    if (!caller) {
      if (presented) await this.attempts.recordFailure(address); // a missing token is no guess
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('A valid admin token is required: Authorization: Bearer <token>.');
    }
    if (caller.readOnly && !READ_METHODS.has(request.method)) {
      throw new ForbiddenException('this token is read-only');
    }
    attachAdminCaller(request, caller);
    return true;
  }
}
