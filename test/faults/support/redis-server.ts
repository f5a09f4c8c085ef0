import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, onProcessExit, waitUntil } from './processes.js';

const REDIS_SERVER = process.env.FAULTS_REDIS_SERVER ?? 'redis-server';

export function redisUnavailableReason(): string | undefined {
  try {
    execFileSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${REDIS_SERVER} not found (set FAULTS_REDIS_SERVER)`;
  }
}

// True when something on the port answers PING with PONG.
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (isUp: boolean) => {
      socket.destroy();
      resolve(isUp);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

// A redis-server child of our own, without persistence: stopping it loses its keys, as a crash would.
export class RedisServer {
  private child?: ChildProcess;
  private readonly forgetExitCleanup: () => void;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.forgetExitCleanup = onProcessExit(() => {
      this.child?.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(mkdtempSync(join(tmpdir(), 'chat-fault-redis-')), await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--loglevel', 'warning'],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    await waitUntil(async () => child.exitCode === null && (await answersPing(this.port)), {
      timeoutMs: 10_000,
      what: `redis-server on port ${this.port}`,
    });
  }

  // The outage: the process dies at once and every connection to it drops.
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.isRunning) {
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetExitCleanup();
  }
}
