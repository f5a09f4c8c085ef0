import { randomBytes } from 'node:crypto';

// clientMessageId carries the bench's own message number, so a received newMessage finds its send time by index.
// The first group is random per run; the rest is a valid version-4 UUID whose last 12 hex digits are the number.
export class MessageIds {
  private readonly prefix = `${randomBytes(4).toString('hex')}-0000-4000-8000-`;

  idOf(index: number): string {
    return this.prefix + index.toString(16).padStart(12, '0');
  }

  // -1 for ids this run did not send.
  indexOf(id: string | null | undefined): number {
    if (typeof id !== 'string' || !id.startsWith(this.prefix)) {
      return -1;
    }
    return Number.parseInt(id.slice(this.prefix.length), 16);
  }
}
