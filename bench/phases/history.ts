import autocannon from 'autocannon';
import type { CpuMeter, CpuUse } from '../support/cpu-meter.js';

export interface HistoryRun {
  name: string;
  path: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  cpu: CpuUse;
  cpuMicrosPerRequest: { server: number; postgres: number; generator: number };
}

const CONNECTIONS = 50;

export async function cannon(input: {
  name: string;
  baseUrl: string;
  token: string;
  seconds: number;
  paths: string[];
  cpu: CpuMeter;
}): Promise<HistoryRun> {
  let next = 0;
  const cpuStart = await input.cpu.snapshot();
  const result = await autocannon({
    url: input.baseUrl,
    connections: CONNECTIONS,
    duration: input.seconds,
    timeout: 10,
    headers: { authorization: `Bearer ${input.token}` },
    // Rotating over conversations keeps one hot row from flattering the database.
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: input.paths[next++ % input.paths.length] }),
      },
    ],
  });
  const cpu = await input.cpu.since(cpuStart);
  const requestsPerSecond = Math.round(result['2xx'] / result.duration);
  const micros = (cores: number) => (requestsPerSecond > 0 ? Math.round((cores * 1e6) / requestsPerSecond) : 0);
  return {
    name: input.name,
    path: input.paths[0] ?? '',
    connections: CONNECTIONS,
    seconds: input.seconds,
    requestsPerSecond,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: Math.round(result.latency.mean * 100) / 100,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpu,
    cpuMicrosPerRequest: { server: micros(cpu.server), postgres: micros(cpu.postgres), generator: micros(cpu.generator) },
  };
}

// Both reads an admin's screen makes: one conversation's newest 50 messages, and the conversation list.
export async function runHistoryPhase(input: {
  baseUrl: string;
  adminToken: string;
  conversationIds: number[];
  seconds: number;
  cpu: CpuMeter;
}): Promise<HistoryRun[]> {
  const messages = await cannon({
    name: 'GET /chat/conversations/:id/messages',
    baseUrl: input.baseUrl,
    token: input.adminToken,
    seconds: input.seconds,
    paths: input.conversationIds.map((id) => `/chat/conversations/${id}/messages`),
    cpu: input.cpu,
  });
  const conversations = await cannon({
    name: 'GET /chat/conversations',
    baseUrl: input.baseUrl,
    token: input.adminToken,
    seconds: input.seconds,
    paths: ['/chat/conversations'],
    cpu: input.cpu,
  });
  return [messages, conversations];
}
