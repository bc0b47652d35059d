export interface Publishable {
  id: string;
  topic: string;
  /** When the job should run; a later retry keeps its schedule after a Redis loss. */
  notBefore?: Date;
}

/** Where committed outbox rows become jobs. Best effort: a row that does not make it is published by the relay. */
export abstract class JobQueue {
  /** Publishes soon, together with whatever else was committed meanwhile. */
  abstract publishSoon(entry: Publishable): void;
}
