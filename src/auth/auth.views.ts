// GET /auth/options: what a sign-in page and a composer need to know about this server.
export interface PublicOptions {
  registration: boolean;
  maxMessageLength: number;
  maxAttachmentBytes: number;
  maxAttachmentsPerMessage: number;
  hostAppTokens: boolean;
}
