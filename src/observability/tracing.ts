import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** Where spans go; none means spans are still created (trace ids propagate) but not exported. */
  spanProcessors?: SpanProcessor[];
  /** Patch node's http (requests in and out). Off in tests that run inside jest's module system. */
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
    // HTTP only: a span per request in and per call out. The pg and ioredis spans under each job (dozens per
    // message) cost more than they tell; the job and use-case spans already carry the message through.
    instrumentations: options.autoInstrument
      ? [new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false })]
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
