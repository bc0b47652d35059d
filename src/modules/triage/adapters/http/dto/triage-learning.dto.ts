import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { INTENTS, type Intent } from '../../../domain/triage-result';

/** What a message really means: one or several intents, primary first, and whether a person must look. */
class TriageLabelDto {
  @ApiProperty({ enum: INTENTS, isArray: true, example: ['booking', 'price'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ArrayUnique()
  @IsIn(INTENTS, { each: true, message: `each intent must be one of ${INTENTS.join(', ')}` })
  intents!: Intent[];

  @ApiPropertyOptional({ description: 'A person must look; default: the intents say (consultation, complaint, human)' })
  @IsOptional()
  @IsBoolean()
  escalate?: boolean;
}

export class TriageCorrectionDto extends TriageLabelDto {
  @ApiProperty({ description: 'The client message the model got wrong' })
  @IsUUID()
  messageId!: string;
}

export class TriagePhraseDto extends TriageLabelDto {
  @ApiProperty({ maxLength: 1000, example: 'можно к вам на ноготочки в субботу?' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'text must not be empty' })
  @MaxLength(1000)
  text!: string;
}
