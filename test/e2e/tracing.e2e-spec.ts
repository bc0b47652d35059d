import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../src/observability/tracing';
import { startApp, type RunningApp } from '../support/app-harness';
import { request, webchatId } from '../support/http';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';

describe('tracing: one inbound message is one trace', () => {
  const exporter = new InMemorySpanExporter();
  let running: RunningApp;

  beforeAll(async () => {
    startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    running = await startApp(testEnv());
  });
  afterAll(async () => {
    await running?.close();
    await stopTracing();
  });

  it('webhook, triage job, reply.send.webchat and crm.sync spans share the trace id', async () => {
    const accepted = await request(`${running.url}/api/v1/webchat/messages`, {
      body: { sessionId: webchatId('s'), clientMessageId: webchatId('m'), text: 'можно на стрижку завтра в 10?' },
    });
    expect(accepted.status).toBe(202);

    const spans = await waitFor(
      async () => {
        const finished = exporter.getFinishedSpans();
        const names = new Set(finished.map((s) => s.name));
        return (
          ['inbound.receive', 'triage.process', 'reply.send.webchat', 'crm.sync'].every((n) => names.has(n)) && finished
        );
      },
      { what: 'the four spans' },
    );
    const receive = spans.find(
      (s) => s.name === 'inbound.receive' && s.attributes['volna.message_id'] === accepted.body.messageId,
    );
    expect(receive).toBeDefined();
    const traceId = receive!.spanContext().traceId;
    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId).map((s) => s.name);
    expect(inTrace).toEqual(
      expect.arrayContaining(['inbound.receive', 'triage.process', 'reply.send.webchat', 'crm.sync']),
    );

    const triage = spans.find((s) => s.name === 'triage.process' && s.spanContext().traceId === traceId)!;
    expect(triage.attributes).toMatchObject({ 'outbox.topic': 'triage.process', 'outbox.attempt': 1 });
  });
});
