// Loaded first by main.ts, before Nest and the libraries it patches are required.
import { otlpSpanProcessors, startTracing } from './observability/tracing';

startTracing({
  spanProcessors: otlpSpanProcessors(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined),
  autoInstrument: true,
});
