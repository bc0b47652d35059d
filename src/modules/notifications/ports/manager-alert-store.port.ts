import type { ManagerAlert, RaisedAlert } from '../domain/manager-alert';

/** The gathered alerts for the managers: one open (unsent) alert per group key. Joins the caller's transaction. */
export abstract class ManagerAlertStore {
  /** Adds to the open alert of the group, or opens one; `opened` tells which. A few samples are kept, not all. */
  abstract gather(raised: RaisedAlert): Promise<{ id: string; opened: boolean }>;

  /** Inside a transaction: the alert while still unsent, locked so it goes out once. */
  abstract lockPending(id: string): Promise<ManagerAlert | null>;

  /** Closes the alert's group: later alerts of the kind open a new one. */
  abstract markSent(id: string): Promise<void>;
}
