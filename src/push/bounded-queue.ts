// Runs jobs with at most `concurrency` at a time and at most `maxPending` waiting; beyond that a job is
// refused, so a burst of messages can delay notifications but never grow memory without bound.
export class BoundedQueue {
  private readonly pending: (() => Promise<void>)[] = [];
  private readonly running = new Set<Promise<void>>();
  private isClosed = false;

  constructor(
    private readonly concurrency: number,
    private readonly maxPending: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  // False when the job was refused (queue full or closed).
  add(job: () => Promise<void>): boolean {
    if (this.isClosed || this.pending.length >= this.maxPending) {
      return false;
    }
    this.pending.push(job);
    this.startNext();
    return true;
  }

  // Drops what has not started and waits for what has.
  async close(): Promise<void> {
    this.isClosed = true;
    this.pending.length = 0;
    await Promise.all([...this.running]);
  }

  private startNext(): void {
    while (this.running.size < this.concurrency) {
      const job = this.pending.shift();
      if (!job) {
        return;
      }
      const run: Promise<void> = Promise.resolve()
        .then(job)
        .catch(this.onError)
        .finally(() => {
          this.running.delete(run);
          this.startNext();
        });
      this.running.add(run);
    }
  }
}
