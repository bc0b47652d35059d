import type { ValidationError } from 'class-validator';
import { DomainError } from '../shared/domain-error';

export interface FieldProblem {
  field: string;
  message: string;
}

/** A request body, query or path parameter that breaks its DTO's rules. */
export class RequestValidationError extends DomainError {
  readonly code = 'REQUEST.INVALID';

  constructor(readonly fields: FieldProblem[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
  }

  static fromValidationErrors(errors: ValidationError[], parent = ''): RequestValidationError {
    return new RequestValidationError(flatten(errors, parent));
  }
}

function flatten(errors: ValidationError[], parent: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
