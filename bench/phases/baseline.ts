import { startBaselineServer } from '../support/baseline-process.js';
import type { ChildServer } from '../support/child-server.js';
import type { Cleanup } from '../support/cleanup.js';
import { CpuMeter } from '../support/cpu-meter.js';
import { type ChatTarget, runThroughputPhase, type ThroughputResult } from './throughput.js';

// Phase 4: the bare Socket.IO relay in its own process, driven exactly like our server in phase 2.
export async function runBaselinePhase(input: {
  benchDistDir: string;
  logFile: string;
  users: number;
  admins: number;
  rates: number[];
  stepSeconds: number;
  keepGoing: boolean;
  deadline: number;
  cleanup: Cleanup;
  log: (line: string) => void;
}): Promise<ThroughputResult> {
  let baseline: ChildServer | undefined;
  try {
    baseline = await startBaselineServer(input.benchDistDir, input.logFile);
    const started = baseline;
    input.cleanup.add('stop the baseline server', () => started.stop());
    // No tokens: the relay believes whoever the handshake says it is.
    const target: ChatTarget = {
      kind: 'baseline',
      baseUrl: baseline.url,
      healthPath: '/health',
      userAuth: (index) => ({ userId: index + 1, role: 'USER', name: `Bench user ${index}` }),
      adminAuth: (index) => ({ userId: 1_000_000 + index, role: 'ADMIN', name: `Bench admin ${index}` }),
    };
    const cpu = await CpuMeter.open(() => started.pid, undefined);
    const { result } = await runThroughputPhase({
      target,
      users: input.users,
      admins: input.admins,
      rates: input.rates,
      stepSeconds: input.stepSeconds,
      keepGoing: input.keepGoing,
      deadline: input.deadline,
      cpu,
      log: input.log,
    });
    return result;
  } finally {
    await baseline?.stop();
  }
}
