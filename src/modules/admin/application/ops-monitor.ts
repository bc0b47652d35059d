import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { circuitOpen } from '../../../observability/metrics';
import { UnitOfWork } from '../../../shared/unit-of-work';
import { ManagerAlerts } from '../../notifications';
import { OUTBOX_TOPICS } from '../../outbox';
import { OpsAlertState } from '../ports/ops-alert-state.port';
import { OpsFacts } from '../ports/ops-facts.port';
import { QueueBacklog } from '../ports/queue-backlog.port';
import {
  OverSince,
  crmCircuitCondition,
  deadLettersCondition,
  llmCircuitCondition,
  queueBacklogCondition,
  type ConditionReading,
  type OpsThresholds,
} from './ops-conditions';

export type OpsTransition = { key: string; change: 'raised' | 'recovered' };

/**
 * Watches the service for the managers, every OPS_MONITOR_INTERVAL_MS where workers run: a queue falling behind,
 * dead letters piling up, the CRM or the LLM circuit open. Each condition alerts once when it starts and sends one
 * recovery message when it clears (the state is shared through Redis, so several workers announce it once), and
 * ManagerAlerts gathers a flapping condition into one message per ALERT_GROUP_WINDOW_MS.
 */
@Injectable()
export class OpsMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OpsMonitor.name);
  private readonly overSince = new OverSince();
  private readonly host = hostname();
  private readonly limits: OpsThresholds;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private completed = 0;

  constructor(
    private readonly facts: OpsFacts,
    private readonly queues: QueueBacklog,
    private readonly state: OpsAlertState,
    private readonly alerts: ManagerAlerts,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {
    this.limits = {
      backlogAlert: env.OPS_BACKLOG_ALERT,
      backlogAlertAfterMs: env.OPS_BACKLOG_ALERT_AFTER_MS,
      deadLettersAlert: env.OPS_DEAD_LETTERS_ALERT,
      deadLettersWindowMinutes: env.OPS_DEAD_LETTERS_WINDOW_MINUTES,
    };
  }

  /** Checks finished since start: lets a test wait for the monitor to have looked again. */
  get checksCompleted(): number {
    return this.completed;
  }

  onApplicationBootstrap(): void {
    if (this.env.APP_ROLE === 'api') return;
    this.timer = setInterval(() => {
      this.running ??= this.check()
        .catch((error: Error) => this.logger.warn(`ops check failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.env.OPS_MONITOR_INTERVAL_MS);
  }

  /** Stops first, so that no check runs while the connections it uses close. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One look at every condition; returns the transitions it announced. */
  async check(): Promise<OpsTransition[]> {
    const transitions: OpsTransition[] = [];
    for (const reading of await this.read()) {
      try {
        const change = await this.settle(reading);
        if (change) transitions.push({ key: reading.key, change });
      } catch (error) {
        this.logger.warn(`ops condition ${reading.key} not settled: ${(error as Error).message}`);
      }
    }
    this.completed += 1;
    return transitions;
  }

  private async read(): Promise<ConditionReading[]> {
    const now = Date.now();
    const [backlog, recentDeadLetters, crmWaiting, circuits] = await Promise.all([
      this.attempt('queue backlog', () => this.queues.read()),
      this.attempt('dead letters', () => this.facts.deadLettersSince(this.limits.deadLettersWindowMinutes)),
      this.attempt('CRM redrive', () => this.facts.crmDeliveriesWaiting()),
      circuitOpen.get(),
    ]);
    const readings = OUTBOX_TOPICS.map((queue) => {
      const ready = backlog?.[queue]?.ready ?? null;
      const overFor = ready === null ? null : this.overSince.observe(queue, ready > this.limits.backlogAlert, now);
      return queueBacklogCondition(queue, ready, overFor, this.limits);
    });
    readings.push(deadLettersCondition(recentDeadLetters, this.limits));
    readings.push(crmCircuitCondition(this.env.CRM_PROVIDER, crmWaiting));
    // Only a process whose triage has an LLM breaker (hybrid classifier) reports one.
    const llm = circuits.values.find((value) => value.labels.circuit === 'llm');
    if (llm) readings.push(llmCircuitCondition(this.host, llm.value > 0));
    return readings;
  }

  private async settle(reading: ConditionReading): Promise<OpsTransition['change'] | null> {
    if (reading.status === 'undecided') return null;
    const firing = reading.status === 'firing';
    const previous = await this.state.swap(reading.key, firing);
    const change = firing && previous !== true ? 'raised' : !firing && previous === true ? 'recovered' : null;
    if (!change) return null;
    const text = change === 'raised' ? reading.alert : reading.recovery;
    const groupKey = change === 'raised' ? `ops:${reading.key}` : `ops:${reading.key}:recovered`;
    try {
      await this.uow.run(() => this.alerts.raise({ groupKey, ...text }));
    } catch (error) {
      await this.state.restore(reading.key, previous).catch(() => undefined); // the next check tries again
      throw error;
    }
    this.logger.log(`ops condition ${reading.key} ${change === 'raised' ? 'started' : 'cleared'}: managers alerted`);
    return change;
  }

  private async attempt<T>(what: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn(`ops check: ${what} not read: ${(error as Error).message}`);
      return null;
    }
  }
}
