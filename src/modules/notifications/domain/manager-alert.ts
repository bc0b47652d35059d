/** A problem the managers must hear about, gathered: one message for many occurrences of the same kind. */
export interface ManagerAlert {
  id: string;
  groupKey: string;
  title: string;
  count: number;
  /** A few examples, newest last, already free of full phones. */
  samples: string[];
  firstAt: Date;
  lastAt: Date;
}

export interface RaisedAlert {
  /** Alerts with the same key within the window are gathered into one message. */
  groupKey: string;
  title: string;
  sample: string;
}

const MAX_SAMPLES_SHOWN = 5;

/** The text the managers get, in Russian. */
export function renderAlert(alert: ManagerAlert): string {
  const lines = [`⚠️ ${alert.title}`];
  if (alert.count > 1) lines.push(`Случаев: ${alert.count} (с ${time(alert.firstAt)} до ${time(alert.lastAt)} UTC)`);
  lines.push(...alert.samples.slice(-MAX_SAMPLES_SHOWN).map((sample) => `• ${sample}`));
  if (alert.count > MAX_SAMPLES_SHOWN) lines.push(`…и ещё ${alert.count - MAX_SAMPLES_SHOWN}`);
  return lines.join('\n');
}

function time(at: Date): string {
  return at.toISOString().slice(11, 16);
}
