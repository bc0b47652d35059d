import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EnvironmentVariables } from '../../src/config/env.validation';
import { freePort } from './redis-server';
import { waitFor } from './wait-for';

const MAIN = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function envToStrings(env: EnvironmentVariables | Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}

/** The compiled service as a real OS process (`node dist/src/main.js`), as an operator runs it. */
export async function spawnService(env: Record<string, string>, { waitReady = true } = {}): Promise<ServiceProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: ServiceProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  if (waitReady && env.APP_ROLE !== 'worker') {
    await waitFor(async () => (await fetch(`${service.url}/health/live`)).ok, {
      timeoutMs: 20000,
      what: `service on port ${port}:\n${output}`,
    });
  }
  return service;
}
