import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createApiClient } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import { ConversationsProvider } from '../conversations/conversations-provider.js';
import { ChatConnectionProvider } from '../realtime/connection-context.js';
import { SessionContext, type SessionContextValue } from '../session/session-context.js';
import type { HostToFrame, WidgetIdentity } from '../widget-loader/protocol.js';
import { listenToHost, postToHost } from './parent-channel.js';
import { exchangeIdentity, forgetVisitor, updateContact, visitorId, type WidgetSession } from './widget-api.js';
import { WidgetChat } from './widget-chat.js';
import styles from './widget.module.css';

// Exchanged again this long before the token expires, so the chat never runs on an expired token.
const RENEW_BEFORE_MS = 120_000;
const MIN_RENEW_DELAY_MS = 10_000;
const NETWORK_RETRY_MS = 3_000;

type Phase = { kind: 'waiting' } | { kind: 'ready'; session: WidgetSession } | { kind: 'refused'; message: string } | { kind: 'ended' };

// The token lives in this frame's memory only: every page load of the product exchanges the signed identity again,
// so nothing depends on third-party cookies or storage (which browsers block or partition in iframes).
export function WidgetApp() {
  const [phase, setPhase] = useState<Phase>({ kind: 'waiting' });
  const [isOpen, setIsOpen] = useState(false);
  const identityRef = useRef<WidgetIdentity | undefined>(undefined);
  const tokenRef = useRef<string | undefined>(undefined);
  const hasAnnouncedRef = useRef(false);
  const exchangeCountRef = useRef(0);

  // Resolves with the new access token (undefined when refused or superseded).
  const exchange = useCallback(async (): Promise<string | undefined> => {
    const identity = identityRef.current;
    if (!identity) {
      return undefined;
    }
    const attempt = ++exchangeCountRef.current;
    try {
      const visitor = identity.user || identity.token ? undefined : visitorId(identity.visitorId);
      if (visitor) {
        postToHost({ type: 'visitor', id: visitor });
      }
      const session = await exchangeIdentity(identity, visitor);
      if (attempt !== exchangeCountRef.current) {
        return undefined;
      }
      tokenRef.current = session.accessToken;
      setPhase({ kind: 'ready', session });
      if (!hasAnnouncedRef.current) {
        hasAnnouncedRef.current = true;
        postToHost({ type: 'ready' });
      }
      return session.accessToken;
    } catch (error) {
      if (attempt !== exchangeCountRef.current) {
        return undefined;
      }
      if (error instanceof ApiError && error.status > 0 && error.status < 500) {
        tokenRef.current = undefined;
        setPhase({ kind: 'refused', message: error.message });
        postToHost({ type: 'refused', message: error.message });
        return undefined;
      }
      // The chat is unreachable or restarting: try again shortly.
      window.setTimeout(() => void exchange(), NETWORK_RETRY_MS);
      return undefined;
    }
  }, []);

  useEffect(() => {
    const stop = listenToHost((message: HostToFrame) => {
      switch (message.type) {
        case 'identify':
          identityRef.current = message.identity;
          void exchange();
          return;
        case 'open': {
          setIsOpen(true);
          const identity = identityRef.current;
          const token = tokenRef.current;
          // Agents see the page the person is on when they open the chat, not only the one they landed on.
          if (identity && token && message.pageUrl !== identity.pageUrl && /^https?:\/\//.test(message.pageUrl)) {
            identity.pageUrl = message.pageUrl;
            updateContact(token, { pageUrl: message.pageUrl }).catch(() => undefined);
          }
          return;
        }
        case 'close':
          setIsOpen(false);
          return;
        case 'setAttributes': {
          const identity = identityRef.current;
          if (identity) {
            identity.attributes = { ...identity.attributes, ...message.attributes };
          }
          const token = tokenRef.current;
          if (token) {
            updateContact(token, { attributes: message.attributes }).catch((error: unknown) =>
              console.warn('Support chat: attributes not saved', error),
            );
          }
          return;
        }
        case 'reset':
          exchangeCountRef.current += 1;
          identityRef.current = undefined;
          tokenRef.current = undefined;
          forgetVisitor();
          setPhase({ kind: 'ended' });
          postToHost({ type: 'resetDone' });
          return;
      }
    });
    postToHost({ type: 'hello' });
    return stop;
  }, [exchange]);

  // Renewed before it expires (and at once if the server says it ended).
  const expiresAt = phase.kind === 'ready' ? phase.session.expiresAt : undefined;
  useEffect(() => {
    if (!expiresAt) {
      return;
    }
    const delay = Math.max(Date.parse(expiresAt) - Date.now() - RENEW_BEFORE_MS, MIN_RENEW_DELAY_MS);
    const timer = window.setTimeout(() => void exchange(), Math.min(delay, 2_147_483_647));
    return () => window.clearTimeout(timer);
  }, [expiresAt, exchange]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) {
        postToHost({ type: 'closeRequest' });
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const session = phase.kind === 'ready' ? phase.session : undefined;
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      api: createApiClient({ token: () => tokenRef.current, refresh: () => exchange(), onSessionEnded: () => void exchange() }),
      signIn: () => undefined,
      signOut: async () => undefined,
      signOutEverywhere: async () => undefined,
      end: () => void exchange(),
      // A refused token is renewed by exchanging the product's identity again, not with a refresh token.
      refresh: () => exchange(),
      currentToken: () => tokenRef.current,
    }),
    [session, exchange],
  );
  const onContactChanged = useCallback(
    (contact: WidgetSession['contact']) =>
      setPhase((current) => (current.kind === 'ready' ? { kind: 'ready', session: { ...current.session, contact } } : current)),
    [],
  );

  if (phase.kind === 'refused') {
    return <p className={styles.notice}>The chat is not available: {phase.message}</p>;
  }
  if (!session) {
    return <p className={styles.notice}>{phase.kind === 'ended' ? 'Signed out.' : 'Connecting…'}</p>;
  }
  return (
    <SessionContext.Provider value={value}>
      <ChatConnectionProvider
        key={session.user.id}
        token={() => tokenRef.current}
        renewToken={() => exchange()}
        onSessionEnded={() => void exchange()}
      >
        <ConversationsProvider>
          <WidgetChat isOpen={isOpen} contact={session.contact} onContactChanged={onContactChanged} />
        </ConversationsProvider>
      </ChatConnectionProvider>
    </SessionContext.Provider>
  );
}
