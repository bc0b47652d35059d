import { ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from './request-validation.error';

/** Whitelisted, transformed DTOs; an unknown field is an error, reported with its path. */
export const validationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromValidationErrors(errors),
});
