import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The offline triage learns from real dialogs:
 * - triage_examples: messages an administrator corrected (the intents they really carry) and phrases added by hand;
 *   the model trains on the corpus in data/triage plus these rows. One correction per message.
 * - triage_models: every model put in use, with the corpus it learned (its hash), the examples it learned
 *   (up to examples_through), its held-out figures and its weights, so every process loads the same model at start-up
 *   without training it again, and picks up a retrained one.
 */
export class TriageLearning1764000000009 implements MigrationInterface {
  name = 'TriageLearning1764000000009';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE triage_examples (
        id bigserial PRIMARY KEY,
        text text NOT NULL,
        intents text[] NOT NULL CHECK (cardinality(intents) > 0),
        escalate boolean NOT NULL DEFAULT false,
        source text NOT NULL CHECK (source IN ('correction', 'phrase')),
        message_id uuid UNIQUE REFERENCES messages (id) ON DELETE SET NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE triage_models (
        id bigserial PRIMARY KEY,
        corpus_hash text NOT NULL,
        examples_through bigint NOT NULL DEFAULT 0,
        trained_on integer NOT NULL,
        heldout jsonb NOT NULL,
        weights bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX triage_models_corpus_idx ON triage_models (corpus_hash, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE triage_models');
    await db.query('DROP TABLE triage_examples');
  }
}
