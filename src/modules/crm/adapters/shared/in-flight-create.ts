import { TransientError } from '../../../../shared/domain-error';

/** Waits shorter than this happen inside the try; longer ones send the job back to the outbox's schedule. */
const MAX_INLINE_WAIT_MS = 2000;

/** The ref under which an adapter records when it last sent a create, before the request leaves. */
export const CREATE_SENT_AT = 'createSentAt';
/**
 * The ref under which it records the newest message that create carried (epoch ms): a later try that finds the
 * lead filed by it sends what came after as a follow-up, rather than taking the newer transcript as delivered.
 */
export const CREATE_CARRIED_THROUGH = 'createCarriedThrough';

/** The newest message a create sent by an earlier try carried; null when no try recorded it. */
export function carriedByEarlierCreate(refs: Record<string, string>): Date | null {
  const through = Number(refs[CREATE_CARRIED_THROUGH]);
  return refs[CREATE_CARRIED_THROUGH] !== undefined && Number.isFinite(through) ? new Date(through) : null;
}

/** What to record, before a create leaves, so that a later try can resume from it. */
export function createSending(transcript: ReadonlyArray<{ at: Date }>): Record<string, string> {
  const newest = transcript.at(-1)?.at.getTime() ?? 0;
  return { [CREATE_SENT_AT]: String(Date.now()), [CREATE_CARRIED_THROUGH]: String(newest) };
}

/**
 * No CRM here has an idempotency key, so after a create that got no answer the adapter looks the lead up before
 * creating it again. The lookup proves absence only once the unanswered request can no longer land: a request
 * queued at the provider (or in its accept backlog) is processed late, and a lookup made before that finds
 * nothing and files the lead twice. So the lookup waits until `settleMs` have passed since the create left.
 */
export async function waitOutInFlightCreate(sentAt: string | undefined, settleMs: number): Promise<void> {
  const remaining = settleMs - (Date.now() - Number(sentAt));
  if (sentAt === undefined || !Number.isFinite(remaining) || remaining <= 0) return;
  if (remaining > MAX_INLINE_WAIT_MS) {
    throw new TransientError(
      `an unanswered create may still land in the CRM; looking again in ${remaining} ms`,
      remaining,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, remaining));
}
