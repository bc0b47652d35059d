/**
 * The floor `npm run bench:ingest` compares Volna's accept path with: a bare node:http server that stores each
 * request in one INSERT and hands it on with one Redis LPUSH, then answers 202. No framework, no validation, no
 * dedupe: what any durable accept costs at least on this machine. Run by the bench as its own process.
 *   FLOOR_PORT, FLOOR_DATABASE_URL, FLOOR_REDIS_URL, FLOOR_KEY
 */
import { createServer } from 'node:http';
import IORedis from 'ioredis';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.FLOOR_DATABASE_URL, max: 10 });
const redis = new IORedis(process.env.FLOOR_REDIS_URL ?? 'redis://127.0.0.1:6379');
const key = process.env.FLOOR_KEY ?? 'floor';

async function main(): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS floor_messages (id bigserial PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk));
    req.on('end', () => {
      pool
        .query<{ id: string }>('INSERT INTO floor_messages (body) VALUES ($1) RETURNING id', [body || '{}'])
        .then(async ({ rows }) => {
          await redis.lpush(key, rows[0].id);
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: rows[0].id }));
        })
        .catch((error: Error) => res.writeHead(500).end(error.message));
    });
  });
  server.listen(Number(process.env.FLOOR_PORT ?? 3998), '127.0.0.1', () => console.log('floor ready'));
  process.once('SIGTERM', () => {
    server.close();
    void pool.end();
    redis.disconnect();
  });
}

void main();
