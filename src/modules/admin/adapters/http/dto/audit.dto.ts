import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Changes at or after (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'from must be an ISO 8601 date' })
  from?: Date;

  @ApiPropertyOptional({ description: 'Changes before (ISO 8601)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'to must be an ISO 8601 date' })
  to?: Date;

  @ApiPropertyOptional({ description: 'Only changes made with this token ("admin" is ADMIN_API_TOKEN)' })
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,64}$/, { message: 'tokenName must be a token name (a-z, 0-9, "_", "-")' })
  tokenName?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 100;
}

export class AuditEntryDto {
  @ApiProperty({ example: '42' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  at!: Date;

  @ApiProperty({ example: 'admin', description: 'Name of the token the change was made with' })
  tokenName!: string;

  @ApiProperty({ example: 'PATCH' })
  method!: string;

  @ApiProperty({ example: '/api/admin/v1/services/:id', description: 'The route pattern matched' })
  route!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { id: '9b2f…' } })
  params!: Record<string, string>;

  @ApiPropertyOptional({ description: 'The request body; secrets and phones masked', nullable: true })
  body!: unknown;

  @ApiPropertyOptional({ description: 'The resource before the change, when the route records it', nullable: true })
  before!: unknown;

  @ApiPropertyOptional({ description: 'The response body', nullable: true })
  after!: unknown;

  @ApiProperty({ example: 200 })
  status!: number;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  items!: AuditEntryDto[];
}
