/** What the managers read when a condition starts, and when it ends. */
export interface AlertText {
  title: string;
  sample: string;
}

/**
 * One operational condition as the monitor sees it now. `undecided`: nothing to change (its figures could not be
 * read, or a backlog is over the threshold but not yet for long enough).
 */
export interface ConditionReading {
  /** Stable name: the key of its recorded state and of its alert groups. */
  key: string;
  status: 'firing' | 'clear' | 'undecided';
  alert: AlertText;
  recovery: AlertText;
}

export interface OpsThresholds {
  /** Jobs ready in one queue above which it is behind. */
  backlogAlert: number;
  /** How long a queue must stay behind before the managers hear of it. */
  backlogAlertAfterMs: number;
  /** New dead letters within the window above which they are growing. */
  deadLettersAlert: number;
  deadLettersWindowMinutes: number;
}

/** Remembers since when each figure has been over its threshold (in this process). */
export class OverSince {
  private readonly since = new Map<string, number>();

  /** How long `key` has been over, this reading included; null when it is not over. */
  observe(key: string, over: boolean, now: number): number | null {
    if (!over) {
      this.since.delete(key);
      return null;
    }
    const since = this.since.get(key) ?? now;
    this.since.set(key, since);
    return now - since;
  }
}

const duration = (ms: number) =>
  ms < 120_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} с` : `${Math.round(ms / 60_000)} мин`;

/**
 * A queue is behind when more than `backlogAlert` jobs are ready to run (delayed ones are not counted: they are
 * back-offs and reminders due later) for `backlogAlertAfterMs`. While it is over but not yet for that long, nothing
 * changes: an alert already raised stands, and none is raised yet.
 */
export function queueBacklogCondition(
  queue: string,
  ready: number | null,
  overForMs: number | null,
  limits: OpsThresholds,
): ConditionReading {
  const status =
    ready === null
      ? 'undecided'
      : overForMs === null
        ? 'clear'
        : overForMs >= limits.backlogAlertAfterMs
          ? 'firing'
          : 'undecided';
  return {
    key: `queue-backlog:${queue}`,
    status,
    alert: {
      title: `Очередь ${queue} не успевает: больше ${limits.backlogAlert} задач ждут обработки`,
      sample: `в очереди ${ready ?? '?'} задач, больше порога ${limits.backlogAlert} уже ${duration(overForMs ?? 0)}`,
    },
    recovery: {
      title: `Очередь ${queue} снова успевает`,
      sample: `в очереди ${ready ?? '?'} задач (порог ${limits.backlogAlert})`,
    },
  };
}

/** Dead letters are growing when more than `deadLettersAlert` were added within the window. */
export function deadLettersCondition(recent: number | null, limits: OpsThresholds): ConditionReading {
  const window = `${limits.deadLettersWindowMinutes} мин`;
  return {
    key: 'dead-letters',
    status: recent === null ? 'undecided' : recent > limits.deadLettersAlert ? 'firing' : 'clear',
    alert: {
      title: `Растёт число задач, не выполненных после всех повторов (dead letters): ${recent ?? '?'} за ${window}`,
      sample: `порог ${limits.deadLettersAlert} за ${window}; разбор: GET /api/admin/v1/dead-letters`,
    },
    recovery: {
      title: 'Новых dead letters снова мало',
      sample: `${recent ?? '?'} за последние ${window} (порог ${limits.deadLettersAlert})`,
    },
  };
}

/** The CRM circuit is open while the redrive holds CRM deliveries back (dead letters of an outage or a block). */
export function crmCircuitCondition(provider: string, waiting: number | null): ConditionReading {
  return {
    key: 'crm-circuit',
    status: waiting === null ? 'undecided' : waiting > 0 ? 'firing' : 'clear',
    alert: {
      title: `CRM (${provider}) не принимает лиды: доставка отложена до её ответа`,
      sample: `ждут доставки: ${waiting ?? '?'}; отправим сами, как только CRM ответит`,
    },
    recovery: {
      title: `CRM (${provider}) снова принимает лиды`,
      sample: 'отложенные лиды доставлены',
    },
  };
}

/** The LLM circuit of one process: while open, the bot answers with the offline rules alone. */
export function llmCircuitCondition(host: string, open: boolean): ConditionReading {
  return {
    key: `llm-circuit:${host}`,
    status: open ? 'firing' : 'clear',
    alert: {
      title: 'LLM не отвечает: бот отвечает по правилам (офлайн-модель), без LLM',
      sample: `процесс ${host}: LLM отключён после ошибок подряд, периодически пробуем снова`,
    },
    recovery: {
      title: 'LLM снова отвечает',
      sample: `процесс ${host}`,
    },
  };
}
