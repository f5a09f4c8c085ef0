import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

// A free loopback port: the kernel picks one, we release it and hand it to the child that will bind it.
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') {
        reject(new Error('no TCP address'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

// Asynchronous on purpose: the clients under test keep running while PostgreSQL restarts.
export function runCommand(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

// Re-checks a condition until it holds; the only waiting these tests do, so every wait has a bound and a reason.
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; what: string | (() => string); intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) {
      return;
    }
    if (Date.now() >= deadline) {
      const what = typeof options.what === 'string' ? options.what : options.what();
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}`);
    }
    await sleep(options.intervalMs ?? 50);
  }
}

// Cleanups that must also run when the test process dies on an uncaught error: a PostgreSQL cluster
// started with pg_ctl is not our child and would outlive us. Only synchronous work is possible here.
const exitCleanups = new Set<() => void>();
let isExitHookInstalled = false;

export function onProcessExit(cleanup: () => void): () => void {
  if (!isExitHookInstalled) {
    isExitHookInstalled = true;
    // A test process stopped by a signal would skip 'exit' handlers: turn the signal into an exit.
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    process.once('exit', () => {
      for (const run of exitCleanups) {
        try {
          run();
        } catch {
          // Best effort: the process is going away.
        }
      }
    });
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

// The promise's value, or undefined once `ms` have passed; the timer never outlives the race.
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
