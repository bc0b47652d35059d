import { execFileSync } from 'node:child_process';
import path from 'node:path';

const INSTRUMENTATION = path.resolve(__dirname, '../../dist/src/instrumentation.js');

/** What loading the compiled instrumentation does to a process, with and without a collector. */
function probe(env: Record<string, string>): { sdkLoaded: boolean; httpPatched: boolean; recording: boolean } {
  const script = `
    require(${JSON.stringify(INSTRUMENTATION)});
    const api = require('@opentelemetry/api');
    const span = api.trace.getTracer('probe').startSpan('probe');
    console.log(JSON.stringify({
      sdkLoaded: Object.keys(require.cache).some((k) => k.includes('@opentelemetry/sdk-node')),
      httpPatched: Boolean(require('node:http').request.__wrapped),
      recording: span.isRecording(),
    }));
    process.exit(0);`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: path.resolve(__dirname, '../..'),
  });
  return JSON.parse(output.toString().trim().split('\n').pop()!) as never;
}

describe('tracing set-up', () => {
  it('without OTEL_EXPORTER_OTLP_ENDPOINT: no SDK, nothing patched, spans are no-ops', () => {
    expect(probe({})).toEqual({ sdkLoaded: false, httpPatched: false, recording: false });
  });

  it('with a collector: the SDK records spans and traces HTTP', () => {
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      sdkLoaded: true,
      httpPatched: true,
      recording: true,
    });
  });
});
