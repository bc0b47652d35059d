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

    const presented = bearerToken(request.headers.authorization);
    const caller = this.tokens.identify(presented);
    if (!caller) {
      // A wrong token is counted and judged in one step, so parallel guesses cannot slip past the limit; a missing
      // one is no guess, but a blocked address is told so either way.
      const blockedFor = presented
        ? await this.attempts.recordFailure(address)
        : await this.attempts.blockedForSeconds(address);
      if (blockedFor > 0) tooManyFailures(response, blockedFor);
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('A valid admin token is required: Authorization: Bearer <token>.');
    }
    const blockedFor = await this.attempts.blockedForSeconds(address);
    if (blockedFor > 0) tooManyFailures(response, blockedFor);
    if (caller.readOnly && !READ_METHODS.has(request.method)) {
      throw new ForbiddenException('this token is read-only');
    }
    attachAdminCaller(request, caller);
    return true;
  }
}

function tooManyFailures(response: Response, retryAfter: number): never {
  response.setHeader('Retry-After', String(retryAfter));
  throw new HttpException(
    `Too many failed admin logins from this address; try again in ${retryAfter} s.`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
