const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 5 * 60_000;

// 1 s, 2 s, 4 s … capped at 5 minutes, ±25 % so emails that failed together do not retry together.
export function emailRetryDelayMs(attempts: number, random: () => number = Math.random): number {
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(Math.max(attempts, 1) - 1, 20));
  return Math.round(delay * (0.75 + random() * 0.5));
}
