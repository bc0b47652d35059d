// Loaded first by main.ts, before Nest and the libraries it patches are required.

// Without a collector nothing would read the spans: the SDK is not even loaded, no library is patched and spans
// cost nothing on the hot path (trace ids then stay out of the outbox rows and the lead detail too).
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
if (endpoint) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a collector is configured
  const tracing = require('./observability/tracing') as typeof import('./observability/tracing');
  tracing.startTracing({ spanProcessors: tracing.otlpSpanProcessors(endpoint), autoInstrument: true });
}
