// Deadlines of many items (sockets) in buckets of one second, so one interval can serve all of them instead of a
// timer per item (a Timeout object and its closure for every idle connection). An item is due once the clock has
// reached the end of its bucket's second: never early, at most one sweep interval late.
export class DeadlineBuckets<T> {
  private readonly buckets = new Map<number, Set<T>>();

  get size(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) {
      count += bucket.size;
    }
    return count;
  }

  // Returns the bucket the item went into: the caller keeps it to move or remove the item later.
  add(item: T, atMs: number): number {
    const key = Math.ceil(atMs / 1000);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Set();
      this.buckets.set(key, bucket);
    }
    bucket.add(item);
    return key;
  }

  remove(item: T, key: number | undefined): void {
    if (key === undefined) {
      return;
    }
    const bucket = this.buckets.get(key);
    if (bucket?.delete(item) && bucket.size === 0) {
      this.buckets.delete(key);
    }
  }

  // Takes every item whose deadline is at or before nowMs out of the buckets.
  takeDue(nowMs: number): T[] {
    const due: T[] = [];
    for (const [key, bucket] of this.buckets) {
      if (key * 1000 <= nowMs) {
        this.buckets.delete(key);
        due.push(...bucket);
      }
    }
    return due;
  }
}
