/**
 * Whether each operational condition was last seen firing, shared by every process (however many workers, and
 * across restarts): a swap is atomic, so exactly one process sees a given transition and alerts once. Should the
 * store lose the state, a condition still firing is announced once more, which is the safe side.
 */
export abstract class OpsAlertState {
  /** Records the condition's state; returns the one recorded before (null: never recorded). */
  abstract swap(condition: string, firing: boolean): Promise<boolean | null>;

  /** Puts back what `swap` replaced, when the alert for the transition could not be raised. */
  abstract restore(condition: string, previous: boolean | null): Promise<void>;
}
