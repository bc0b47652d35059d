import { Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BenchController } from './bench.controller';

@Module({ controllers: [BenchController] })
export class BenchModule implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    // Not a migration: the table exists only in instances started for benchmarking.
    await this.dataSource.query(
      'CREATE TABLE IF NOT EXISTS bench_ingest (id bigserial PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    );
  }
}
