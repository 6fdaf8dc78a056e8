/** `npm start` as a real child process (local/start.ts through tsx), for tests that need the whole local hub. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Kills every hub this module started (call from afterAll). */
export function killStarted(): void {
  for (const c of children) c.kill('SIGKILL');
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function start(env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function untilRunning(s: Started): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!s.output().includes('is running')) {
    if (s.child.exitCode !== null) throw new Error(`npm start exited: ${s.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up: ${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
