// Runs test/fixtures/send-then-finish.cjs as a child process and reports how it ended.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

const fixture = path.join(__dirname, 'fixtures', 'send-then-finish.cjs');

export function runChild(args: string[]): Promise<ChildRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A child still running after 15 s has failed the test; it must not outlive it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}
