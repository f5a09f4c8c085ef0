import { cpus, release, totalmem } from 'node:os';
import pg from 'pg';
import { maxOpenFiles } from './proc-stats.js';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  postgres?: string;
  generatorMaxOpenFiles?: number;
}

export async function describeMachine(postgresUrl: string | undefined): Promise<MachineInfo> {
  let postgres: string | undefined;
  if (postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      postgres = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v;
    } finally {
      await client.end();
    }
  }
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    postgres,
    generatorMaxOpenFiles: maxOpenFiles('self'),
  };
}
