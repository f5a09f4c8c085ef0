import { useEffect, useRef } from 'react';
import type { AttachmentView } from '@contract/messages';
import styles from './attachments.module.css';
import { useBlobUrl } from './use-blob-url.js';

// A modal <dialog>: the browser keeps focus inside it, closes it on Escape and makes the page behind inert.
export function Lightbox({ attachment, onClose }: { attachment: AttachmentView; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const image = useBlobUrl(attachment.url);

  useEffect(() => {
    const element = dialog.current;
    // Focus goes back to what opened the lightbox (the preview) when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    if (element && !element.open) {
      element.showModal();
    }
    // No close() here: it would fire a late "close" event after StrictMode's remount. Unmounting removes the
    // dialog from the top layer anyway.
    return () => opener?.focus();
  }, []);

  return (
    <dialog
      ref={dialog}
      className={styles.lightbox}
      aria-label={attachment.fileName}
      onClose={onClose}
      onClick={(event) => event.target === event.currentTarget && onClose()}
    >
      <div className={styles.lightboxBar}>
        <span className={styles.lightboxName}>{attachment.fileName}</span>
        <button type="button" className="secondary-button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      {image.state === 'ready' && <img className={styles.full} src={image.url} alt={attachment.fileName} />}
      {image.state === 'loading' && <p className={styles.lightboxNotice}>Loading image…</p>}
      {image.state === 'failed' && <p className={styles.lightboxNotice}>The image could not be loaded.</p>}
    </dialog>
  );
}
