import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { onProcessExit, waitUntil } from './processes.js';

// dist/test/faults/support → the repository root, where tsc put dist/src/main.js.
const ROOT = resolve(import.meta.dirname, '../../../..');
export const SERVER_MAIN = join(ROOT, 'dist/src/main.js');

export function serverUnavailableReason(): string | undefined {
  return existsSync(SERVER_MAIN) ? undefined : `${SERVER_MAIN} is missing (run tsc -p tsconfig.json)`;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

const LOG_TAIL_LINES = 60;

// One `node dist/src/main.js`, a real separate process, so it can be killed -9 or sent SIGTERM.
export class ServerProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  private readonly tail: string[] = [];
  private readonly forgetExitCleanup: () => void;
  exit?: ServerExit;
  exited: Promise<ServerExit> = new Promise(() => undefined);

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly cwd: string,
  ) {
    this.forgetExitCleanup = onProcessExit(() => this.child?.kill('SIGKILL'));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.exit === undefined;
  }

  start(): void {
    this.exit = undefined;
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    // Only what the server needs: the runner's own DATABASE_URL or REDIS_URL must never leak in.
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log?.write(chunk);
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) {
          this.tail.push(line);
        }
      }
      this.tail.splice(0, Math.max(0, this.tail.length - LOG_TAIL_LINES));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, at: Date.now() };
        resolveExit(this.exit);
      });
    });
  }

  // Ready means GET /health/ready answers 200 (PostgreSQL answered) and Redis is not reported degraded.
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      async () => {
        if (this.exit) {
          throw new Error(`${this.name} exited (${this.exit.code ?? this.exit.signal}) before it was ready:\n${this.logTail()}`);
        }
        const readiness = await this.readiness();
        return readiness.status === 200 && readiness.redis !== 'degraded';
      },
      { timeoutMs, what: () => `${this.name} to be ready:\n${this.logTail()}`, intervalMs: 100 },
    );
  }

  // The readiness status and what it says of Redis ("ok", "degraded", "off"); status 0 when nothing answers.
  async readiness(): Promise<{ status: number; redis?: string }> {
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json().catch(() => ({}))) as { redis?: string };
      return { status: response.status, redis: body.redis };
    } catch {
      return { status: 0 };
    }
  }

  // The readiness status, or 0 when the process does not answer at all.
  async readyStatus(): Promise<number> {
    try {
      const response = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  logTail(): string {
    return this.tail.map((line) => `  [${this.name}] ${line}`).join('\n');
  }

  async destroy(): Promise<void> {
    if (this.isRunning) {
      this.child?.kill('SIGKILL');
      await this.exited;
    }
    await new Promise<void>((resolveEnd) => (this.log ? this.log.end(resolveEnd) : resolveEnd()));
    this.forgetExitCleanup();
  }
}
