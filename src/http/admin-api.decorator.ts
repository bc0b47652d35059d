import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AdminAuthGuard } from './admin-auth.guard';
import { problemContent, ProblemDetailsSchema } from './problem-details.schema';

/** Where @nestjs/swagger keeps a handler's responses (its DECORATORS.API_RESPONSE, not exported by the package). */
const API_RESPONSE_METADATA = 'swagger/apiResponse';

/**
 * An admin API controller: Bearer token through AdminAuthGuard (read-only tokens only read), the `admin` tag,
 * and the errors every admin route may answer, documented as problem+json. Error responses the handlers declare
 * themselves (404, 409 ...) get the problem+json body too.
 *
 *   @AdminApi()
 *   @Controller('api/admin/v1/things')
 */
export function AdminApi(tag = 'admin'): ClassDecorator {
  return (target) => {
    const problem = problemContent(getSchemaPath(ProblemDetailsSchema));
    applyDecorators(
      ApiTags(tag),
      ApiBearerAuth(),
      UseGuards(AdminAuthGuard),
      ApiExtraModels(ProblemDetailsSchema),
      ApiResponse({
        status: 400,
        description: 'Invalid body, query or path parameter: the fields at fault',
        content: problem,
      }),
      ApiResponse({ status: 401, description: 'Missing or unknown admin token', content: problem }),
      ApiResponse({ status: 403, description: 'A read-only token on a change', content: problem }),
      ApiResponse({
        status: 429,
        description: 'Too many failed logins from this address; refused until the window passes',
        headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
        content: problem,
      }),
    )(target);
    giveErrorsTheProblemBody(target.prototype as object, problem);
  };
}

function giveErrorsTheProblemBody(prototype: object, content: ReturnType<typeof problemContent>): void {
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
    if (key === 'constructor' || typeof descriptor?.value !== 'function') continue;
    const responses = (Reflect.getMetadata(API_RESPONSE_METADATA, descriptor.value) ?? {}) as Record<
      string,
      { content?: unknown; type?: unknown; schema?: unknown }
    >;
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) >= 400 && !response.content && !response.type && !response.schema) {
        ApiResponse({ status: Number(status), content })(prototype, key, descriptor);
      }
    }
  }
}
