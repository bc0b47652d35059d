import type { ManagerNotifier } from '../ports/manager-notifier.port';

/** The ways to reach the managers that this instance has configured; the log is always one. */
export class ManagerNotifiers {
  constructor(readonly all: ManagerNotifier[]) {}
}
