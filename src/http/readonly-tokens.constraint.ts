import { ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';
import { parseReadonlyTokens } from './admin-tokens';

/** ADMIN_READONLY_TOKENS: `name:token` pairs, distinct names and tokens, none equal to ADMIN_API_TOKEN. */
@ValidatorConstraint({ name: 'readonlyTokens' })
export class ReadonlyTokensConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return this.problems(value, args).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problems(args.value, args).join('; ');
  }

  private problems(value: unknown, args: ValidationArguments): string[] {
    if (typeof value !== 'string') return ['must be a comma-separated list of name:token'];
    const { tokens, problems } = parseReadonlyTokens(value);
    const fullAccess = (args.object as { ADMIN_API_TOKEN?: unknown }).ADMIN_API_TOKEN;
    if (tokens.some(({ token }) => token === fullAccess)) problems.push('a read-only token equals ADMIN_API_TOKEN');
    return problems;
  }
}
