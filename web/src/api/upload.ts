import { ApiError } from './api-error.js';
import type { AttachmentView } from '@contract/messages';

export interface UploadRequest {
  file: Blob;
  fileName: string;
  headers: Record<string, string>;
  onProgress(fraction: number): void;
  signal?: AbortSignal;
}

export class UploadAbortedError extends Error {
  override readonly name = 'UploadAbortedError';
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

// XMLHttpRequest, not fetch: fetch reports no upload progress.
export function uploadFile({ file, fileName, headers, onProgress, signal }: UploadRequest): Promise<AttachmentView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/chat/attachments');
    xhr.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(headers)) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        onProgress(event.loaded / event.total);
      }
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201) {
        onProgress(1);
        resolve(body as AttachmentView);
      } else {
        reject(ApiError.fromBody(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection and try again.'));
    xhr.onabort = () => reject(new UploadAbortedError('Upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, fileName);
    xhr.send(form);
  });
}
