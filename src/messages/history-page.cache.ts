// A newest history page as it was sent, with what it was read under: the conversation row's state and the
// names and roles of the senders it shows. It is served again only while both are still the same.
export interface CachedHistoryPage {
  state: string;
  senderIds: number[];
  senders: string;
  body: Buffer;
  next?: { before: number };
}

// The bytes of a page body in a buffer of their own: a small Buffer.from() is a slice of a shared 8 KB slab,
// which a cached page would keep alive whatever the byte bound says.
export function ownedBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

export interface HistoryPageCacheLimits {
  maxPages: number;
  maxBytes: number;
}

// Bookkeeping per entry besides the body (key, arrays, Map slot): an estimate, so that many tiny pages still count.
const ENTRY_OVERHEAD_BYTES = 256;

const sizeOf = (page: CachedHistoryPage): number => page.body.length + page.senders.length * 2 + ENTRY_OVERHEAD_BYTES;

// Least recently used pages go first once either bound is reached; a Map keeps insertion order, and a hit
// moves its key to the end. maxPages 0 turns the cache off.
export class HistoryPageCache {
  private readonly pages = new Map<string, CachedHistoryPage>();
  private bytes = 0;

  constructor(private readonly limits: HistoryPageCacheLimits) {}

  get isEnabled(): boolean {
    return this.limits.maxPages > 0 && this.limits.maxBytes > 0;
  }

  get size(): { pages: number; bytes: number } {
    return { pages: this.pages.size, bytes: this.bytes };
  }

  get(key: string): CachedHistoryPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: CachedHistoryPage): void {
    this.delete(key);
    const size = sizeOf(page);
    if (!this.isEnabled || size > this.limits.maxBytes) {
      return;
    }
    while (this.pages.size >= this.limits.maxPages || this.bytes + size > this.limits.maxBytes) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.delete(oldest);
    }
    this.pages.set(key, page);
    this.bytes += size;
  }

  delete(key: string): void {
    const page = this.pages.get(key);
    if (page) {
      this.pages.delete(key);
      this.bytes -= sizeOf(page);
    }
  }
}
