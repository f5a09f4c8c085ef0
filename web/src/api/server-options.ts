import { useEffect, useState } from 'react';
import type { ApiClient } from './api-client.js';
import { MAX_MESSAGE_LENGTH } from './limits.js';
import type { PublicOptions } from '@contract/auth';

// The server's defaults, used until (or if never) GET /auth/options answers.
export const DEFAULT_OPTIONS: PublicOptions = {
  registration: true,
  maxMessageLength: MAX_MESSAGE_LENGTH,
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxAttachmentsPerMessage: 5,
  hostAppTokens: false,
};

// Asked once per page load: the answer is configuration and does not change while the app runs.
let pending: Promise<PublicOptions> | undefined;

function loadOptions(api: ApiClient): Promise<PublicOptions> {
  pending ??= api.options().catch(() => {
    pending = undefined;
    return DEFAULT_OPTIONS;
  });
  return pending;
}

export function useServerOptions(api: ApiClient): PublicOptions & { isKnown: boolean } {
  const [options, setOptions] = useState<PublicOptions & { isKnown: boolean }>({ ...DEFAULT_OPTIONS, isKnown: false });
  useEffect(() => {
    let isCurrent = true;
    void loadOptions(api).then((loaded) => isCurrent && setOptions({ ...loaded, isKnown: true }));
    return () => {
      isCurrent = false;
    };
  }, [api]);
  return options;
}
