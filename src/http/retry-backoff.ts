const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 5 * 60_000;

// Delay before the next attempt after `attempts` failures: 1 s, 2 s, 4 s … capped at 5 minutes, each within
// ±25% so that rows which failed together (the receiver was down) do not all come back in the same instant.
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** exponent);
  return Math.round(Math.min(MAX_DELAY_MS, delay * (0.75 + random() * 0.5)));
}
