import pg from 'pg';
import { cpuSeconds, machineCpuSeconds, totalCpuSeconds } from './proc-stats.js';

// CPU used over an interval, in cores (1.0 = one core busy the whole time), per process of interest.
// `other` is everything else on the machine: anything above a few hundredths means the figures are disturbed.
export interface CpuUse {
  server: number;
  postgres: number;
  generator: number;
  other: number;
  machine: number;
}

export interface CpuSnapshot {
  at: number;
  server: number;
  postgres: number;
  generator: number;
  machineBusy: number;
}

// The PostgreSQL processes working for this run: backends of the bench database and the server-wide
// helpers (WAL writer, checkpointer...), but not other databases' backends on a shared server.
const PIDS_SQL = `select pid from pg_stat_activity where datname = current_database() or backend_type <> 'client backend'`;

export class CpuMeter {
  private client?: pg.Client;
  private ownBackendPid?: number;

  private constructor(private readonly serverPid: () => number | undefined) {}

  static async open(serverPid: () => number | undefined, postgresUrl: string | undefined): Promise<CpuMeter> {
    const meter = new CpuMeter(serverPid);
    if (postgresUrl) {
      meter.client = new pg.Client({ connectionString: postgresUrl });
      await meter.client.connect();
      meter.ownBackendPid = (await meter.client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
    }
    return meter;
  }

  async close(): Promise<void> {
    await this.client?.end();
    this.client = undefined;
  }

  private async postgresPids(): Promise<number[]> {
    if (!this.client) {
      return [];
    }
    const rows = (await this.client.query<{ pid: number }>(PIDS_SQL)).rows;
    // The meter's own connection is not part of the load.
    return rows.map((row) => row.pid).filter((pid) => pid !== this.ownBackendPid);
  }

  async snapshot(): Promise<CpuSnapshot> {
    const pids = await this.postgresPids();
    const pid = this.serverPid();
    const own = process.cpuUsage();
    return {
      at: performance.now(),
      server: pid === undefined ? 0 : cpuSeconds(pid),
      postgres: totalCpuSeconds(pids),
      generator: (own.user + own.system) / 1e6,
      machineBusy: machineCpuSeconds().busy,
    };
  }

  // Backends are re-listed at both ends; one that exits in between loses its time (pool connections live on).
  async since(start: CpuSnapshot): Promise<CpuUse> {
    const end = await this.snapshot();
    const seconds = Math.max(1e-3, (end.at - start.at) / 1000);
    const cores = (a: number, b: number) => Math.round(((b - a) / seconds) * 100) / 100;
    const use = {
      server: cores(start.server, end.server),
      postgres: cores(start.postgres, end.postgres),
      generator: cores(start.generator, end.generator),
      machine: cores(start.machineBusy, end.machineBusy),
    };
    return { ...use, other: Math.max(0, Math.round((use.machine - use.server - use.postgres - use.generator) * 100) / 100) };
  }
}
