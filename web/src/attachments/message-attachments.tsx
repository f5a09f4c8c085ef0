import { useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { AttachmentView } from '@contract/messages';
import { useSignedIn } from '../session/session-context.js';
import styles from './attachments.module.css';
import { formatFileSize } from './file-size.js';
import { Lightbox } from './lightbox.js';
import { fetchAttachmentBlob, useBlobUrl } from './use-blob-url.js';

function ImagePreview({ attachment }: { attachment: AttachmentView }) {
  const [isOpen, setIsOpen] = useState(false);
  const preview = useBlobUrl(attachment.thumbnailUrl ?? attachment.url);
  const aspect = attachment.width && attachment.height ? `${attachment.width} / ${attachment.height}` : undefined;
  return (
    <>
      <button
        type="button"
        className={styles.preview}
        onClick={() => setIsOpen(true)}
        aria-label={`Open image ${attachment.fileName}`}
        style={{ aspectRatio: aspect }}
      >
        {preview.state === 'ready' && <img src={preview.url} alt={attachment.fileName} className={styles.thumbnail} />}
        {preview.state === 'failed' && <span className={styles.previewNotice}>Image unavailable</span>}
      </button>
      {isOpen && <Lightbox attachment={attachment} onClose={() => setIsOpen(false)} />}
    </>
  );
}

function FileChip({ attachment }: { attachment: AttachmentView }) {
  const { api } = useSignedIn();
  const [failure, setFailure] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);

  // The download needs the token: fetched as a blob, then saved through a temporary <a download>.
  const download = () => {
    setIsBusy(true);
    setFailure(undefined);
    fetchAttachmentBlob(api, attachment.url).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = attachment.fileName;
        document.body.append(link);
        link.click();
        link.remove();
        // Revoked on the next turn: the click has handed the URL to the download by then.
        window.setTimeout(() => URL.revokeObjectURL(url));
        setIsBusy(false);
      },
      (error: unknown) => {
        setFailure(error instanceof ApiError && error.status === 404 ? 'File not found' : 'Download failed');
        setIsBusy(false);
      },
    );
  };

  return (
    <span className={styles.fileWrap}>
      <button type="button" className={styles.file} onClick={download} disabled={isBusy} data-testid="file-chip">
        <span aria-hidden="true" className={styles.fileIcon}>
          ⤓
        </span>
        <span className={styles.fileName}>{attachment.fileName}</span>
        <span className={styles.fileSize}>
          <span className="visually-hidden">, </span>
          {formatFileSize(attachment.size)}
        </span>
      </button>
      {failure && (
        <span className={styles.fileFailure} role="alert">
          {failure}
        </span>
      )}
    </span>
  );
}

export function MessageAttachments({ attachments }: { attachments: AttachmentView[] }) {
  if (attachments.length === 0) {
    return null;
  }
  const images = attachments.filter((attachment) => attachment.contentType.startsWith('image/'));
  const files = attachments.filter((attachment) => !attachment.contentType.startsWith('image/'));
  return (
    <div className={styles.attachments}>
      {images.length > 0 && (
        <div className={styles.images}>
          {images.map((attachment) => (
            <ImagePreview key={attachment.id} attachment={attachment} />
          ))}
        </div>
      )}
      {files.map((attachment) => (
        <FileChip key={attachment.id} attachment={attachment} />
      ))}
    </div>
  );
}
