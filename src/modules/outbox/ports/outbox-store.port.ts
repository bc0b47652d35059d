/** Where outbox rows are written, in the caller's transaction. */
export abstract class OutboxStore {
  /** Adds a row of `topic`, due at `notBefore` (now when unset); returns its id. */
  abstract insert(
    topic: string,
    payload: unknown,
    traceContext: Record<string, string>,
    notBefore?: Date,
  ): Promise<string>;
}
