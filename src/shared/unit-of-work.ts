/**
 * Runs work in one database transaction. Repositories called inside `run` join it; hooks registered with
 * `afterCommit` run only once the transaction has committed (used to publish outbox rows).
 */
export abstract class UnitOfWork {
  abstract run<T>(work: () => Promise<T>): Promise<T>;
  abstract afterCommit(hook: () => void): void;
  /** Runs work outside the current transaction: what it writes commits at once, whatever the transaction does. */
  abstract detached<T>(work: () => Promise<T>): Promise<T>;
}
