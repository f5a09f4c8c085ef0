import { lazyImport } from '../common/lazy-import.js';

// What may be shared, decided by the file's first bytes, never by the client's name or content type.
const ALLOWED = new Map<string, { isImage: boolean }>([
  ['image/png', { isImage: true }],
  ['image/jpeg', { isImage: true }],
  ['image/gif', { isImage: true }],
  ['image/webp', { isImage: true }],
  ['application/pdf', { isImage: false }],
  ['application/zip', { isImage: false }],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', { isImage: false }],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', { isImage: false }],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', { isImage: false }],
  ['text/plain', { isImage: false }],
]);

export const SNIFF_BYTES = 4100;

// Loaded with the first upload, not at start.
const loadFileType = lazyImport(() => import('file-type'));

export interface SniffedType {
  contentType: string;
  isImage: boolean;
}

// Plain text has no magic number: accept it when the head is valid UTF-8 without NUL bytes.
function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) {
    return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    return true;
  } catch {
    return false;
  }
}

export async function sniffType(head: Buffer): Promise<SniffedType | undefined> {
  const detected = await (await loadFileType()).fileTypeFromBuffer(head);
  const contentType = detected?.mime ?? (head.length > 0 && looksLikeText(head) ? 'text/plain' : undefined);
  const allowed = contentType ? ALLOWED.get(contentType) : undefined;
  return contentType && allowed ? { contentType, isImage: allowed.isImage } : undefined;
}
