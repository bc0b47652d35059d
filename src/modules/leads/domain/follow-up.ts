/** The outbox row a write adds in the same statement: what must happen next, traced from where it was decided. */
export interface FollowUp {
  topic: string;
  traceContext: Record<string, string>;
}
