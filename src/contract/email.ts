import { z } from 'zod';

// Email notifications (issue 14): the unsubscribe link and the signed-in user's own setting.
export const unsubscribeQuerySchema = z
  .object({
    token: z
      .string({ message: 'is required' })
      .regex(/^[0-9]{1,10}-[0-9a-fA-F]{1,64}$/, { message: 'must be the token from an email’s unsubscribe link' })
      .describe('The signed token from the List-Unsubscribe link'),
  })
  // RFC 8058 one-click POSTs may add their own query parameters.
  .loose();
export type UnsubscribeQuery = z.output<typeof unsubscribeQuerySchema>;

export const emailSettingsSchema = z.strictObject({
  emailNotifications: z.boolean({ message: 'must be true or false' }).describe('Email me about messages I have not read'),
});
export type EmailSettings = z.output<typeof emailSettingsSchema>;

export interface EmailSettingsView {
  emailNotifications: boolean;
  // False when the server has no SMTP_URL: the setting is kept but nothing is sent.
  isEmailConfigured: boolean;
}
