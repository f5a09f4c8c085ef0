import { formatFileSize } from './file-size.js';
import styles from './upload-chips.module.css';
import type { PendingUpload } from './use-uploads.js';

export function UploadChips({ items, onRemove }: { items: PendingUpload[]; onRemove(key: string): void }) {
  if (items.length === 0) {
    return null;
  }
  return (
    <ul className={styles.chips} aria-label="Files to send">
      {items.map((item) => (
        <li key={item.key} className={item.state === 'failed' ? styles.failedChip : styles.chip} data-upload-state={item.state}>
          <span className={styles.name}>{item.fileName}</span>
          <span className={styles.size}>{formatFileSize(item.size)}</span>
          {item.state === 'uploading' && (
            <progress className={styles.progress} max={1} value={item.progress} aria-label={`Uploading ${item.fileName}`} />
          )}
          {item.state === 'failed' && (
            <span className={styles.failure} role="alert">
              {item.failure}
            </span>
          )}
          <button type="button" className={styles.remove} onClick={() => onRemove(item.key)} aria-label={`Remove ${item.fileName}`}>
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
