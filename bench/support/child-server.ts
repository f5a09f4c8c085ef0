import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { sleep } from './timing.js';

// Every server the bench starts, so an emergency exit can still kill them.
const running = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const child of running) {
    child.kill('SIGKILL');
  }
  running.clear();
}

export interface ChildServer {
  name: string;
  pid: number;
  // performance.now() when the process was spawned: the origin of its CPU profile's timeline.
  spawnedAt: number;
  url: string;
  logFile: string;
  hasExited(): boolean;
  logTail(lines?: number): string;
  stop(timeoutMs?: number): Promise<void>;
}

export interface ChildServerSpec {
  name: string;
  nodeArgs: string[];
  cwd: string;
  env: Record<string, string>;
  url: string;
  readyPath: string;
  logFile: string;
  startTimeoutMs: number;
}

export async function startChildServer(spec: ChildServerSpec): Promise<ChildServer> {
  const log = createWriteStream(spec.logFile);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, spec.nodeArgs, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });
  const server: ChildServer = {
    name: spec.name,
    pid: child.pid ?? -1,
    spawnedAt,
    url: spec.url,
    logFile: spec.logFile,
    hasExited: () => exited,
    logTail: (lines = 20) => {
      try {
        return readFileSync(spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(timeoutMs = 15_000) {
      if (exited) {
        return;
      }
      child.kill('SIGTERM');
      const isGone = await Promise.race([exit.then(() => true), sleep(timeoutMs).then(() => false)]);
      if (!isGone) {
        child.kill('SIGKILL');
        await exit;
      }
      log.end();
    },
  };
  const deadline = Date.now() + spec.startTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${spec.name} exited during start:\n${server.logTail()}`);
    }
    try {
      const response = await fetch(`${spec.url}${spec.readyPath}`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) {
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  await server.stop(2_000);
  throw new Error(`${spec.name} was not ready within ${spec.startTimeoutMs} ms:\n${server.logTail()}`);
}
