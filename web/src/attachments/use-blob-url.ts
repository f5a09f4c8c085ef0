import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/api-client.js';
import { useSignedIn } from '../session/session-context.js';

// Attachments never change, so each path is fetched once per page load; the blobs stay while the app runs.
const blobs = new Map<string, Promise<Blob>>();

export function fetchAttachmentBlob(api: ApiClient, path: string): Promise<Blob> {
  let blob = blobs.get(path);
  if (!blob) {
    blob = api.download(path);
    blobs.set(path, blob);
    // A failure is not cached: the next view asks again.
    blob.catch(() => blobs.delete(path));
  }
  return blob;
}

export type BlobUrl = { state: 'loading' } | { state: 'ready'; url: string } | { state: 'failed' };

// An object URL for an authenticated path, revoked when the view goes away (the cached blob stays).
export function useBlobUrl(path: string | undefined): BlobUrl {
  const { api } = useSignedIn();
  const [result, setResult] = useState<BlobUrl>({ state: 'loading' });
  useEffect(() => {
    if (!path) {
      return;
    }
    let url: string | undefined;
    let isCurrent = true;
    setResult({ state: 'loading' });
    fetchAttachmentBlob(api, path).then(
      (blob) => {
        if (isCurrent) {
          url = URL.createObjectURL(blob);
          setResult({ state: 'ready', url });
        }
      },
      () => isCurrent && setResult({ state: 'failed' }),
    );
    return () => {
      isCurrent = false;
      if (url) {
        URL.revokeObjectURL(url);
      }
    };
  }, [api, path]);
  return result;
}
