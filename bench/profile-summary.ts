import { formatProfile, summariseCpuProfile } from './support/cpu-profile.js';

// node dist/bench/profile-summary.js <file.cpuprofile> [top N] [from-ms to-ms]: the self-time table of a server
// profile, optionally only between two times (ms since the process started; the bench prints each phase's window).
const [file, count, from, to] = process.argv.slice(2);
if (!file) {
  console.error('Usage: node dist/bench/profile-summary.js <file.cpuprofile> [top N] [from-ms to-ms]');
  process.exit(1);
}
const window = from && to ? { name: `${from}-${to} ms`, fromMs: Number(from), toMs: Number(to) } : undefined;
console.log(formatProfile(summariseCpuProfile(file, count ? Number(count) : 30, window)));
