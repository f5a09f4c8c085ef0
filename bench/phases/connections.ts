import type { Socket } from 'socket.io-client';
import type { BenchAccount } from '../support/accounts.js';
import type { CpuMeter, CpuUse } from '../support/cpu-meter.js';
import { residentKb } from '../support/proc-stats.js';
import { closeAll, openSocket } from '../support/sockets.js';
import { mapLimit, sleep } from '../support/timing.js';

export interface ConnectionsResult {
  requested: number;
  connected: number;
  failures: number;
  failureSamples: string[];
  distinctUsers: number;
  socketsPerUser: number;
  admins: number;
  connectSeconds: number;
  connectsPerSecond: number;
  heldSeconds: number;
  droppedWhileHeld: number;
  serverRssBeforeKb: number;
  serverRssHeldKb: number;
  serverRssAfterCloseKb: number;
  rssPerIdleConnectionKb: number;
  cpuWhileConnecting: CpuUse;
}

// Handshakes in flight at once: enough to keep the server busy, few enough not to trip connect timeouts.
const CONNECT_CONCURRENCY = 200;
const CONNECT_TIMEOUT_MS = 20_000;

export async function runConnectionsPhase(input: {
  baseUrl: string;
  serverPid: number;
  users: BenchAccount[];
  admins: BenchAccount[];
  connections: number;
  holdSeconds: number;
  deadline: number;
  cpu: CpuMeter;
}): Promise<ConnectionsResult> {
  const { users, admins } = input;
  // Several sockets per user are browser tabs: the server treats each as its own connection.
  const tokens = [
    ...Array.from({ length: input.connections }, (_, index) => (users[index % users.length] as BenchAccount).token),
    ...admins.map((admin) => admin.token),
  ];
  await sleep(1_000);
  const rssBefore = residentKb(input.serverPid);
  const sockets: Socket[] = [];
  const failures: string[] = [];
  let dropped = 0;
  let isHolding = false;
  const cpuStart = await input.cpu.snapshot();
  const started = performance.now();
  await mapLimit(tokens, CONNECT_CONCURRENCY, input.deadline, async (token) => {
    try {
      const socket = await openSocket(input.baseUrl, { token }, CONNECT_TIMEOUT_MS);
      socket.on('disconnect', () => {
        if (isHolding) {
          dropped++;
        }
      });
      sockets.push(socket);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  });
  const connectSeconds = (performance.now() - started) / 1000;
  const cpuWhileConnecting = await input.cpu.since(cpuStart);
  isHolding = true;
  // Idle long enough for the handshake garbage to be collected in the server before its memory is read.
  await sleep(input.holdSeconds * 1000);
  const rssHeld = residentKb(input.serverPid);
  isHolding = false;
  const connected = sockets.filter((socket) => socket.connected).length;
  closeAll(sockets);
  await sleep(1_500);
  const rssAfterClose = residentKb(input.serverPid);
  return {
    requested: tokens.length,
    connected,
    failures: failures.length,
    failureSamples: [...new Set(failures)].slice(0, 3),
    distinctUsers: Math.min(users.length, input.connections),
    socketsPerUser: Math.ceil(input.connections / users.length),
    admins: admins.length,
    connectSeconds: Math.round(connectSeconds * 100) / 100,
    connectsPerSecond: Math.round(sockets.length / connectSeconds),
    heldSeconds: input.holdSeconds,
    droppedWhileHeld: dropped,
    serverRssBeforeKb: rssBefore,
    serverRssHeldKb: rssHeld,
    serverRssAfterCloseKb: rssAfterClose,
    rssPerIdleConnectionKb: Math.round(((rssHeld - rssBefore) / Math.max(1, connected)) * 10) / 10,
    cpuWhileConnecting,
  };
}
