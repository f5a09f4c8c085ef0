import type { Readable } from 'node:stream';

export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');

// Where attachment bytes live: local disk by default, S3-compatible object storage with S3_BUCKET.
export interface AttachmentStorage {
  // Streams body into key; resolves once it is stored whole.
  write(key: string, body: Readable, contentType: string): Promise<void>;
  read(key: string): Promise<Readable>;
  remove(key: string): Promise<void>;
  // Free bytes on the volume, where that means something (local disk); object storage has no such bound.
  freeBytes?(): Promise<number>;
}
