import { useChatConnection } from './connection-context.js';
import styles from './connection-banner.module.css';

// Always in the page, so screen readers announce it when it fills.
export function ConnectionBanner() {
  const { status } = useChatConnection();
  const text = status === 'reconnecting' ? 'Connection lost. Reconnecting…' : '';
  return (
    <div role="status" className={text ? styles.banner : styles.empty} data-testid="connection-banner">
      {text}
    </div>
  );
}
