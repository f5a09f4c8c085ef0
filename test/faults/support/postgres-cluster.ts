import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, onProcessExit, runCommand } from './processes.js';

const BIN_DIR = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = '/usr/sbin/runuser';

// PostgreSQL refuses to run as root: as root every binary runs as the postgres user.
const isRoot = process.getuid?.() === 0;

function postgresOwner(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

// Why the fault suites cannot run here, or undefined when they can.
export function postgresUnavailableReason(): string | undefined {
  for (const binary of ['initdb', 'pg_ctl', 'postgres']) {
    try {
      accessSync(join(BIN_DIR, binary), constants.X_OK);
    } catch {
      return `PostgreSQL binary ${join(BIN_DIR, binary)} not found (set FAULTS_PG_BIN)`;
    }
  }
  if (isRoot) {
    try {
      accessSync(RUNUSER, constants.X_OK);
      postgresOwner();
    } catch {
      return 'running as root needs runuser and a postgres system user to start PostgreSQL';
    }
  }
  return undefined;
}

function command(binary: string, args: string[]): [string, string[]] {
  const path = join(BIN_DIR, binary);
  return isRoot ? [RUNUSER, ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

// A throwaway PostgreSQL cluster of our own, so crashing it never touches the machine's shared server.
export class PostgresCluster {
  private readonly forgetExitCleanup: () => void;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.forgetExitCleanup = onProcessExit(() => {
      const [file, args] = command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']);
      spawnSync(file, args, { stdio: 'ignore', timeout: 10_000 });
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'chat-fault-pg-'));
    if (isRoot) {
      const { uid, gid } = postgresOwner();
      chownSync(dir, uid, gid);
    }
    const cluster = new PostgresCluster(dir, await freePort());
    const [file, args] = command('initdb', [
      '-D',
      cluster.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    await runCommand(file, args, { cwd: dir, timeoutMs: 120_000 });
    await cluster.start();
    return cluster;
  }

  // fsync=off only matters if the machine crashes: an immediate stop keeps the WAL in the page cache,
  // so crash recovery still replays every committed transaction.
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const [file, args] = command('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'postgres.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await runCommand(file, args, { cwd: this.dir, timeoutMs: 90_000 });
  }

  // The crash: every backend is killed at once, nothing is flushed or checkpointed.
  async stopImmediately(): Promise<void> {
    const [file, args] = command('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    await runCommand(file, args, { cwd: this.dir, timeoutMs: 60_000 });
  }

  async destroy(): Promise<void> {
    // Stopped anyway: a start that failed half way may have left a postmaster behind.
    await this.stopImmediately().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetExitCleanup();
  }
}
