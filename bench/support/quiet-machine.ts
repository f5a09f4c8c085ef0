import { machineCpuSeconds } from './proc-stats.js';
import { sleep } from './timing.js';

const QUIET_CORES = 0.25;
const QUIET_SECONDS = 5;

// The machine may be shared: wait a while for it to be idle (a few seconds in a row), and record what it was doing
// when the bench began.
export async function waitForQuietMachine(waitSeconds: number, log: (line: string) => void): Promise<number> {
  const giveUpAt = Date.now() + waitSeconds * 1000;
  let quietSeconds = 0;
  for (;;) {
    const before = machineCpuSeconds();
    await sleep(1_000);
    const busy = Math.round((machineCpuSeconds().busy - before.busy) * 100) / 100;
    quietSeconds = busy <= QUIET_CORES ? quietSeconds + 1 : 0;
    if (quietSeconds >= QUIET_SECONDS || waitSeconds <= 0) {
      return busy;
    }
    if (Date.now() >= giveUpAt) {
      log(`warning: ${busy} cores busy before the bench started; its figures will be lower than this machine can do`);
      return busy;
    }
    if (quietSeconds === 0) {
      log(`machine busy (${busy} cores), waiting for it to be idle...`);
      await sleep(4_000);
    }
  }
}
