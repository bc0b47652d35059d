import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { HeldoutFigures } from '../../domain/model/triage-training';
import type { LabeledMessage } from '../../domain/triage-metrics';
import { byPriority, type Intent } from '../../domain/triage-result';
import { maskPersonalData } from '../../domain/personal-data-mask';

export interface StoredModel {
  id: string;
  examplesThrough: number;
  trainedOn: number;
  heldout: HeldoutFigures;
  weights: Buffer;
  createdAt: Date;
}

export interface TriageExample {
  id: string;
  text: string;
  intents: Intent[];
  escalate: boolean;
  source: 'correction' | 'phrase';
  messageId: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface ReviewItem {
  messageId: string;
  conversationId: string;
  text: string;
  intents: string[];
  confidence: number | null;
  clarified: boolean;
  createdAt: Date;
}

/** Below this confidence a triaged message is worth a person's look. */
const REVIEW_CONFIDENCE = 0.5;

/** Corrections and added phrases the model learns from, and the models put in use. */
@Injectable()
export class TriageLearningRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async latestModel(corpusHash: string): Promise<StoredModel | null> {
    const [row] = await this.query<ModelRow[]>(
      `SELECT id, examples_through, trained_on, heldout, weights, created_at FROM triage_models
       WHERE corpus_hash = $1 ORDER BY id DESC LIMIT 1`,
      [corpusHash],
    );
    return row ? toModel(row) : null;
  }

  async latestModelId(corpusHash: string): Promise<string | null> {
    const [row] = await this.query<Array<{ id: string }>>(
      'SELECT id FROM triage_models WHERE corpus_hash = $1 ORDER BY id DESC LIMIT 1',
      [corpusHash],
    );
    return row?.id ?? null;
  }

  async saveModel(model: Omit<StoredModel, 'id' | 'createdAt'> & { corpusHash: string }): Promise<string> {
    const [row] = await this.query<Array<{ id: string }>>(
      `INSERT INTO triage_models (corpus_hash, examples_through, trained_on, heldout, weights)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [model.corpusHash, model.examplesThrough, model.trainedOn, JSON.stringify(model.heldout), model.weights],
    );
    return row.id;
  }

  /** Every example, as labelled messages for training, and the id of the newest. */
  async trainingExamples(): Promise<{ messages: LabeledMessage[]; through: number }> {
    const rows = await this.query<Array<{ id: string; text: string; intents: Intent[]; escalate: boolean }>>(
      'SELECT id, text, intents, escalate FROM triage_examples ORDER BY id',
    );
    const messages: LabeledMessage[] = rows.map((r) => {
      const intents = [r.intents[0], ...byPriority(r.intents.slice(1))];
      return {
        text: r.text,
        intent: intents[0],
        intents,
        urgency: 'cold',
        slots: {},
        escalate: r.escalate,
        redFlag: false,
        lang: 'ru',
      };
    });
    return { messages, through: rows.length > 0 ? Number(rows[rows.length - 1].id) : 0 };
  }

  /**
   * Stores what a message really meant (a second correction of the same message replaces the first). The text is
   * kept with phone numbers masked: a training example needs the words, not the client's number. Null when there is
   * no such client message.
   */
  async correct(
    messageId: string,
    label: { intents: Intent[]; escalate: boolean },
    createdBy: string | null,
  ): Promise<TriageExample | null> {
    const [message] = await this.query<Array<{ text: string }>>(
      `SELECT text FROM messages WHERE id = $1 AND direction = 'in'`,
      [messageId],
    );
    if (!message) return null;
    const [row] = await this.query<ExampleRow[]>(
      `INSERT INTO triage_examples (text, intents, escalate, source, message_id, created_by)
       VALUES ($1, $2, $3, 'correction', $4, $5)
       ON CONFLICT (message_id) DO UPDATE
         SET intents = EXCLUDED.intents, escalate = EXCLUDED.escalate, created_by = EXCLUDED.created_by,
             created_at = now()
       RETURNING *`,
      [maskPersonalData(message.text), label.intents, label.escalate, messageId, createdBy],
    );
    return toExample(row);
  }

  async addPhrase(
    text: string,
    label: { intents: Intent[]; escalate: boolean },
    createdBy: string | null,
  ): Promise<TriageExample> {
    const [row] = await this.query<ExampleRow[]>(
      `INSERT INTO triage_examples (text, intents, escalate, source, created_by) VALUES ($1, $2, $3, 'phrase', $4)
       RETURNING *`,
      [maskPersonalData(text), label.intents, label.escalate, createdBy],
    );
    return toExample(row);
  }

  async listExamples(limit: number, offset: number): Promise<{ items: TriageExample[]; total: number }> {
    const rows = await this.query<Array<ExampleRow & { total: string }>>(
      `SELECT *, count(*) OVER () AS total FROM triage_examples ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return { items: rows.map(toExample), total: Number(rows[0]?.total ?? 0) };
  }

  /** Client messages the model was unsure of (or asked about) and nobody has corrected yet, newest first. */
  async lowConfidence(limit: number, offset: number): Promise<{ items: ReviewItem[]; total: number }> {
    const rows = await this.query<
      Array<{
        id: string;
        conversation_id: string;
        text: string;
        triage: { intents?: string[]; intent?: string; confidence?: number; clarify?: unknown };
        created_at: Date;
        total: string;
      }>
    >(
      `SELECT m.id, m.conversation_id, m.text, m.triage, m.created_at, count(*) OVER () AS total
       FROM messages m
       WHERE m.direction = 'in' AND m.triage IS NOT NULL
         AND ((m.triage ->> 'confidence')::float < $3 OR m.triage ? 'clarify')
         AND NOT EXISTS (SELECT 1 FROM triage_examples e WHERE e.message_id = m.id)
       ORDER BY m.created_at DESC LIMIT $1 OFFSET $2`,
      [limit, offset, REVIEW_CONFIDENCE],
    );
    return {
      items: rows.map((r) => ({
        messageId: r.id,
        conversationId: r.conversation_id,
        text: r.text,
        intents: r.triage.intents ?? (r.triage.intent ? [r.triage.intent] : []),
        confidence: typeof r.triage.confidence === 'number' ? r.triage.confidence : null,
        clarified: r.triage.clarify !== undefined,
        createdAt: r.created_at,
      })),
      total: Number(rows[0]?.total ?? 0),
    };
  }
}

interface ModelRow {
  id: string;
  examples_through: string;
  trained_on: number;
  heldout: HeldoutFigures;
  weights: Buffer;
  created_at: Date;
}

interface ExampleRow {
  id: string;
  text: string;
  intents: Intent[];
  escalate: boolean;
  source: 'correction' | 'phrase';
  message_id: string | null;
  created_by: string | null;
  created_at: Date;
}

function toModel(row: ModelRow): StoredModel {
  return {
    id: row.id,
    examplesThrough: Number(row.examples_through),
    trainedOn: row.trained_on,
    heldout: row.heldout,
    weights: row.weights,
    createdAt: row.created_at,
  };
}

function toExample(row: ExampleRow): TriageExample {
  return {
    id: row.id,
    text: row.text,
    intents: row.intents,
    escalate: row.escalate,
    source: row.source,
    messageId: row.message_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}
