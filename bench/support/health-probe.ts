import { summarise, type LatencySummary } from './percentiles.js';

// A cheap request every interval: its round trip rises with the server's event-loop lag, measured from outside.
export class HealthProbe {
  private samples: number[] = [];
  private timer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    private readonly url: string,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.samples = [];
    this.failures = 0;
    const probe = async () => {
      const started = performance.now();
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        this.samples.push(performance.now() - started);
      } catch {
        this.failures++;
      }
      if (this.timer) {
        this.timer = setTimeout(probe, this.intervalMs);
      }
    };
    this.timer = setTimeout(probe, this.intervalMs);
  }

  stop(): LatencySummary & { failures: number } {
    clearTimeout(this.timer);
    this.timer = undefined;
    return { ...summarise(this.samples), failures: this.failures };
  }
}
