import { Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

/**
 * The baseline of `npm run bench:ingest`: one INSERT and nothing else, on the same stack as the webchat
 * endpoint. Mounted only when BENCH_ROUTES=true.
 */
@ApiExcludeController()
@Controller('bench')
export class BenchController {
  constructor(private readonly dataSource: DataSource) {}

  @Post('insert')
  @HttpCode(HttpStatus.ACCEPTED)
  async insert(): Promise<{ id: string }> {
    const [row] = (await this.dataSource.query(
      "INSERT INTO bench_ingest (payload) VALUES ('{}') RETURNING id",
    )) as Array<{ id: string }>;
    return { id: String(row.id) };
  }
}
