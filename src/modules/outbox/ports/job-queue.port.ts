import type { TraceCarrier } from '../../../observability/trace-context';

export interface Publishable {
  id: string;
  topic: string;
  /** When the job should run; a later retry keeps its schedule after a Redis loss. */
  notBefore?: Date;
  /**
   * The row's payload and trace, when the writer knows them: a worker that prepares before claiming the row (an LLM
   * call outside the transaction) then needs no read to start. The relay publishes without them.
   */
  carried?: { payload: unknown; traceContext: TraceCarrier };
}

/** Where committed outbox rows become jobs. Best effort: a row that does not make it is published by the relay. */
export abstract class JobQueue {
  /** Publishes soon, together with whatever else was committed meanwhile. */
  abstract publishSoon(entry: Publishable): void;
}
