import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorText } from '../api/api-error.js';
import { useServerOptions } from '../api/server-options.js';
import type { AttachmentView } from '@contract/messages';
import { UploadAbortedError } from '../api/upload.js';
import { useSignedIn } from '../session/session-context.js';
import { formatFileSize } from './file-size.js';

export interface PendingUpload {
  key: string;
  fileName: string;
  size: number;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  failure?: string;
  attachment?: AttachmentView;
}

export interface Uploads {
  items: PendingUpload[];
  isUploading: boolean;
  add(files: File[]): void;
  remove(key: string): void;
  // The finished uploads, taken out of the composer (they go with the message being sent).
  take(): AttachmentView[];
}

let uploadCount = 0;

function failureOf(error: unknown, maxBytes: number): string {
  const tooLarge = `Too large: files can be up to ${formatFileSize(maxBytes)}`;
  // A proxy may refuse a large body itself, without our JSON error.
  if (error instanceof ApiError && error.status === 413) {
    return tooLarge;
  }
  return errorText(error, 'The upload failed', { UNSUPPORTED_MEDIA_TYPE: 'This type of file cannot be sent', PAYLOAD_TOO_LARGE: tooLarge });
}

// Pasted screenshots arrive as "image.png"; a time in the name tells several apart in the thread.
function nameOf(file: File): string {
  if (file.name && file.name !== 'image.png') {
    return file.name;
  }
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '.');
  return `Pasted image ${stamp}.${file.type.split('/')[1] ?? 'png'}`;
}

// Files waiting in the composer: each uploads at once (with progress), so sending only has to name the ids.
export function useUploads(): Uploads {
  const { api } = useSignedIn();
  const { maxAttachmentBytes, maxAttachmentsPerMessage } = useServerOptions(api);
  const [items, setItems] = useState<PendingUpload[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  });
  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((controller) => controller.abort());
  }, []);

  const update = (key: string, change: Partial<PendingUpload>) =>
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const add = useCallback(
    (files: File[]) => {
      const room = maxAttachmentsPerMessage - itemsRef.current.filter((item) => item.state !== 'failed').length;
      const added: PendingUpload[] = [];
      files.forEach((file, index) => {
        const key = `upload-${++uploadCount}`;
        const fileName = nameOf(file);
        const base = { key, fileName, size: file.size, progress: 0 };
        if (index >= room) {
          added.push({ ...base, state: 'failed', failure: `At most ${maxAttachmentsPerMessage} files per message` });
          return;
        }
        // Checked here too, so a big file is refused at once rather than after uploading it.
        if (file.size > maxAttachmentBytes) {
          added.push({ ...base, state: 'failed', failure: `Too large: files can be up to ${formatFileSize(maxAttachmentBytes)}` });
          return;
        }
        added.push({ ...base, state: 'uploading' });
        const controller = new AbortController();
        controllers.current.set(key, controller);
        api
          .upload(file, fileName, (progress) => update(key, { progress }), controller.signal)
          .then(
            (attachment) => {
              controllers.current.delete(key);
              update(key, { state: 'done', progress: 1, attachment });
            },
            (error: unknown) => {
              controllers.current.delete(key);
              if (!(error instanceof UploadAbortedError)) {
                update(key, { state: 'failed', failure: failureOf(error, maxAttachmentBytes) });
              }
            },
          );
      });
      setItems((current) => [...current, ...added]);
    },
    [api, maxAttachmentBytes, maxAttachmentsPerMessage],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    setItems((current) => current.filter((item) => item.key !== key));
  }, []);

  const take = useCallback(() => {
    const done = itemsRef.current.flatMap((item) => (item.attachment ? [item.attachment] : []));
    setItems([]);
    return done;
  }, []);

  return { items, isUploading: items.some((item) => item.state === 'uploading'), add, remove, take };
}
