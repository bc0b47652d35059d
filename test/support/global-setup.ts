import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Suites that start the service as a real process (kill -9, env checks) run the compiled build. */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
