import { RequestValidationError } from '../../../../http/request-validation.error';
import { SettingsInvalidError } from '../../domain/settings.errors';

/** Settings a domain rule rejects are a bad request, reported field by field like any other. */
export async function asBadRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof SettingsInvalidError) throw new RequestValidationError(error.problems);
    throw error;
  }
}
