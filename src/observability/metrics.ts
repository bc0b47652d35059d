import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry, served at GET /metrics. One per process: counters are plain module-level
 * objects so any layer can count without injection, and tests read them through `metricValue`.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'volna_' });

export const webhookRejected = new Counter({
  name: 'volna_webhook_rejected_total',
  help: 'Webhook requests refused before anything was stored, by channel and reason',
  labelNames: ['channel', 'reason'] as const,
  registers: [metricsRegistry],
});

export const webhookAccepted = new Counter({
  name: 'volna_webhook_accepted_total',
  help: 'Webhook events stored (new) or recognised as a provider retry (duplicate)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messagesSent = new Counter({
  name: 'volna_messages_sent_total',
  help: 'Outgoing messages by channel and outcome (sent, template, fallback, failed)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const webhookAckSeconds = new Histogram({
  name: 'volna_webhook_ack_seconds',
  help: 'Time from a webhook request to its 2xx answer',
  labelNames: ['channel'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
  registers: [metricsRegistry],
});

/** The current value of a counter for the given labels (0 when never incremented). */
export async function metricValue(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  const match = values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return match?.value ?? 0;
}
