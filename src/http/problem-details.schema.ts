import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

export class FieldProblemSchema {
  @ApiProperty({ example: 'durationMinutes' })
  field!: string;

  @ApiProperty({ example: 'durationMinutes must not be less than 5' })
  message!: string;
}

/** RFC 7807 problem details, as every error leaves (for the OpenAPI document only). */
export class ProblemDetailsSchema {
  @ApiProperty({ example: 'urn:volna:problem:validation' })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'durationMinutes: durationMinutes must not be less than 5' })
  detail!: string;

  @ApiPropertyOptional({ example: '/api/admin/v1/services' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldProblemSchema], description: 'The fields at fault (validation errors)' })
  errors?: FieldProblemSchema[];
}

export const problemContent = (schemaRef: string) => ({ [PROBLEM_CONTENT_TYPE]: { schema: { $ref: schemaRef } } });
