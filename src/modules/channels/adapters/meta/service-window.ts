const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Meta counts the 24 hours from the client's message as its servers saw it, a little before we stored it; a free
 * form message sent in the last minute could arrive outside the window and fail later, only as a `failed` status.
 */
const SAFETY_MARGIN_MS = 60 * 1000;

/** Whether Meta still allows a free-form reply: the client wrote within the last 24 hours. Unknown means no. */
export function insideServiceWindow(lastInboundAt: Date | null, now: Date = new Date()): boolean {
  if (!lastInboundAt) return false;
  return now.getTime() - lastInboundAt.getTime() < DAY_MS - SAFETY_MARGIN_MS;
}
