import { useEffect } from 'react';

// "(3) Inbox": the unread count leads so it shows in a narrow browser tab.
export function useDocumentTitle(title: string, unread = 0): void {
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${title}` : title;
  }, [title, unread]);
}
