import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replies go through one queue per channel (`reply.send.telegram`, ...), so that one provider's send limit holds
 * back only its own channel. Rows written under the old single topic move to their channel's: pending work is
 * picked up by the new queues (the relay publishes it), and dead letters replay into them.
 */
export class ReplyQueuePerChannel1764000000012 implements MigrationInterface {
  name = 'ReplyQueuePerChannel1764000000012';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'dead_letters']) {
      await db.query(`
        UPDATE ${table} t SET topic = 'reply.send.' || m.channel
        FROM messages m WHERE t.topic = 'reply.send' AND m.id::text = t.payload->>'messageId'`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'dead_letters']) {
      await db.query(`UPDATE ${table} SET topic = 'reply.send' WHERE topic LIKE 'reply.send.%'`);
    }
  }
}
