import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus registry, served at GET /metrics. One per process: counters are plain module-level
 * objects so any layer can count without injection, and tests read them through `metricValue`.
 *
 * Counters and histograms count events of this process (Prometheus sums them over the api and worker processes);
 * the gauges of shared state (dead letters, queues, outbox) are read from Postgres and Redis when scraped, so
 * every process reports the same figure.
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

export const inboundMessages = new Counter({
  name: 'volna_inbound_messages_total',
  help: 'Client messages stored for the first time (provider retries not counted), by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});

export const crmDeliveries = new Counter({
  name: 'volna_crm_deliveries_total',
  help:
    'CRM syncs by provider and result: delivered; failed (a try failed, retried unless it was the last); ' +
    'dead (given up, now a dead letter)',
  labelNames: ['provider', 'result'] as const,
  registers: [metricsRegistry],
});

export const deliveryRetries = new Counter({
  name: 'volna_delivery_retries_total',
  help: 'Outbox work scheduled for another try after a failed one, by topic',
  labelNames: ['topic'] as const,
  registers: [metricsRegistry],
});

export const firstReplySeconds = new Histogram({
  name: 'volna_first_reply_seconds',
  help:
    "From a conversation's first client message to the bot's first reply sent in it, both times as Postgres " +
    'stored them; observed by the process that sent the reply',
  buckets: [0.5, 1, 2, 3, 5, 10, 30, 60, 300, 1800],
  registers: [metricsRegistry],
});

export const circuitOpen = new Gauge({
  name: 'volna_circuit_open',
  help: '1 while a circuit breaker of this process is open or probing (half-open), 0 while it is closed',
  labelNames: ['circuit'] as const,
  registers: [metricsRegistry],
});

/** Shared state read when /metrics is scraped; null when it could not be read (its series is then left out). */
export interface OperationalReadings {
  openDeadLetters: number | null;
  /** Seconds the oldest due, unfinished outbox row has been waiting; 0 when nothing is due. */
  outboxLagSeconds: number | null;
  /** Jobs waiting, delayed or running, per queue. */
  queueBacklog: Record<string, number> | null;
}

type ReadingSource = () => Promise<OperationalReadings>;

/** One reading serves every gauge of a scrape, and scrapes close together (several Prometheus replicas). */
const READING_CACHE_MS = 2000;
let readOperational: ReadingSource | null = null;
let cachedReading: { at: number; value: Promise<OperationalReadings> } | null = null;

/**
 * Where the operational gauges come from; returns what stops reading from it. A second application in the same
 * process (tests) replaces the source, and stopping the first one then leaves the second in place.
 */
export function readOperationalGaugesFrom(source: ReadingSource): () => void {
  readOperational = source;
  cachedReading = null;
  return () => {
    if (readOperational !== source) return;
    readOperational = null;
    cachedReading = null;
  };
}

function operationalReading(): Promise<OperationalReadings> | null {
  if (!readOperational) return null;
  if (!cachedReading || Date.now() - cachedReading.at > READING_CACHE_MS) {
    const unreadable: OperationalReadings = { openDeadLetters: null, outboxLagSeconds: null, queueBacklog: null };
    cachedReading = { at: Date.now(), value: readOperational().catch(() => unreadable) };
  }
  return cachedReading.value;
}

export const deadLettersOpen = new Gauge({
  name: 'volna_dead_letters',
  help: 'Dead letters neither replayed nor discarded (within the retention window)',
  registers: [metricsRegistry],
  async collect() {
    const value = (await operationalReading())?.openDeadLetters;
    if (value === undefined || value === null) this.reset();
    else this.set(value);
  },
});

export const queueBacklog = new Gauge({
  name: 'volna_queue_backlog',
  help: 'Jobs waiting, delayed or running in a BullMQ queue',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    const backlog = (await operationalReading())?.queueBacklog;
    this.reset();
    for (const [queue, jobs] of Object.entries(backlog ?? {})) this.set({ queue }, jobs);
  },
});

export const outboxLagSeconds = new Gauge({
  name: 'volna_outbox_lag_seconds',
  help: 'How long the oldest due outbox row has waited to be done (0 when none is due)',
  registers: [metricsRegistry],
  async collect() {
    const value = (await operationalReading())?.outboxLagSeconds;
    if (value === undefined || value === null) this.reset();
    else this.set(value);
  },
});

/**
 * Observes `volna_first_reply_seconds` for a conversation's first reply: the time from the client's first message
 * to the first bot message sent after it (the repository tells, from the times Postgres stored).
 *
 * Called by the process that sent the reply, right after sending: a reply is sent once, by one process, so the
 * sum over processes counts each conversation once (a collector reading the database on scrape would count the
 * same reply again in every process serving /metrics). Both times are the ones Postgres stored, so the clocks of
 * the api host that took the message and the worker host that answered do not matter.
 */
export function observeFirstReply(seconds: number): void {
  firstReplySeconds.observe(seconds);
}

/** The current value of a counter or gauge for the given labels (0 when never set). */
export async function metricValue(
  metric: Counter<string> | Gauge<string>,
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return match?.value ?? 0;
}
