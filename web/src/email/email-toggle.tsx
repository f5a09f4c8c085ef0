import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/api-client.js';

// "Email me about unread replies": the same setting an email's unsubscribe link turns off. Hidden when the
// server sends no email (no SMTP_URL).
export function EmailToggle({ api }: { api: ApiClient }) {
  const [isOn, setIsOn] = useState<boolean | undefined>(undefined);
  const [isSaving, setIsSaving] = useState(false);

  useEffect(() => {
    let isCurrent = true;
    api.emailSettings().then(
      (settings) => isCurrent && setIsOn(settings.isEmailConfigured ? settings.emailNotifications : undefined),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [api]);

  if (isOn === undefined) {
    return null;
  }
  // Shown at once (a controlled checkbox must follow the click), put back if the server refuses.
  const onChange = (next: boolean) => {
    setIsOn(next);
    setIsSaving(true);
    api
      .setEmailNotifications(next)
      .then((settings) => setIsOn(settings.emailNotifications))
      .catch(() => setIsOn(!next))
      .finally(() => setIsSaving(false));
  };
  return (
    <label title="Get unread replies by email">
      <input type="checkbox" checked={isOn} disabled={isSaving} onChange={(event) => onChange(event.target.checked)} /> Email me
    </label>
  );
}
