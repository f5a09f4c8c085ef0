import { useEffect, useState } from 'react';
import type { WidgetContactView } from '@contract/widget';
import { conversationRoute } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import styles from './contact-panel.module.css';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// Beside an inbox conversation: who the website widget says this person is, and where they were when they wrote.
// Shown for accounts that came from the product (widget or host-app token); local accounts have nothing to add.
export function ContactPanel({ userId, conversationId, refreshKey }: { userId: number; conversationId: number; refreshKey: string }) {
  const { session } = useSignedIn();
  const [contact, setContact] = useState<WidgetContactView>();

  useEffect(() => {
    let isCurrent = true;
    fetch(`/widget/contacts/${userId}`, { headers: { authorization: `Bearer ${session.accessToken}`, accept: 'application/json' } })
      .then((response) => (response.ok ? (response.json() as Promise<WidgetContactView>) : undefined))
      .then(
        (body) => isCurrent && setContact(body),
        () => undefined,
      );
    return () => {
      isCurrent = false;
    };
  }, [userId, session.accessToken, refreshKey]);

  if (!contact || contact.externalId === null || contact.userId !== userId) {
    return null;
  }
  const attributes = Object.entries(contact.attributes);
  const earlier = contact.conversations.filter((conversation) => conversation.id !== conversationId);
  return (
    <aside className={styles.panel} aria-label="Contact" data-testid="contact-panel">
      <h3 className={styles.name}>{contact.name}</h3>
      <dl className={styles.facts}>
        <dt>Email</dt>
        <dd>
          {contact.hasEmail ? contact.email : 'not given yet'}
          {contact.hasEmail && (
            <span className={contact.emailVerified ? styles.verified : styles.unverified}>
              {contact.emailVerified ? 'verified' : 'unverified'}
            </span>
          )}
        </dd>
        <dt>{contact.isVisitor ? 'Visitor id' : 'External id'}</dt>
        <dd className={styles.code}>{contact.externalId}</dd>
        {contact.pageUrl && (
          <>
            <dt>Page</dt>
            <dd>
              <a href={contact.pageUrl} target="_blank" rel="noopener noreferrer" className={styles.url}>
                {contact.pageUrl}
              </a>
            </dd>
          </>
        )}
        {contact.browser && (
          <>
            <dt>Browser</dt>
            <dd>{contact.browser}</dd>
          </>
        )}
        {contact.timeZone && (
          <>
            <dt>Time zone</dt>
            <dd>{contact.timeZone}</dd>
          </>
        )}
        <dt>Last seen</dt>
        <dd>{dateTime.format(new Date(contact.updatedAt))}</dd>
      </dl>
      {attributes.length > 0 && (
        <>
          <h4 className={styles.section}>Attributes</h4>
          <dl className={styles.facts}>
            {attributes.map(([key, value]) => (
              <div key={key} className={styles.row}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {earlier.length > 0 && (
        <>
          <h4 className={styles.section}>Earlier conversations</h4>
          <ul className={styles.earlier}>
            {earlier.map((conversation) => (
              <li key={conversation.id}>
                <a
                  href={conversationRoute(conversation.id)}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(conversationRoute(conversation.id));
                  }}
                >
                  #{conversation.id} · {dateTime.format(new Date(conversation.lastMessageAt))} · {conversation.status.toLowerCase()}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
