import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** Where spans go; none means spans are still created (trace ids propagate) but not exported. */
  spanProcessors?: SpanProcessor[];
  /** Patch http, pg and ioredis. Off in tests that run inside jest's module system. */
  autoInstrument?: boolean;
}

let sdk: NodeSDK | undefined;

export function startTracing(options: TracingOptions = {}): NodeSDK {
  if (sdk) return sdk;
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'volna' }),
    // With no processor the SDK registers no tracer provider at all, and then no trace id would reach the outbox
    // rows and the logs: a no-op processor keeps tracing on without exporting.
    spanProcessors: options.spanProcessors?.length ? options.spanProcessors : [new NoopSpanProcessor()],
    instrumentations: options.autoInstrument
      ? [
          new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false }),
          // Only queries made for a traced request or job: the relay's sweeps and the queues' polling would
          // otherwise flood the exporter with root spans of their own.
          new PgInstrumentation({ requireParentSpan: true }),
          new IORedisInstrumentation({ requireParentSpan: true }),
        ]
      : [],
  });
  sdk.start();
  return sdk;
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}

/** The exporter named by OTEL_EXPORTER_OTLP_ENDPOINT, or none. */
export function otlpSpanProcessors(endpoint: string | undefined): SpanProcessor[] {
  if (!endpoint) return [];
  const url = `${endpoint.replace(/\/$/, '')}/v1/traces`;
  return [new BatchSpanProcessor(new OTLPTraceExporter({ url }))];
}
