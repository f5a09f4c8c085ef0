import { z } from 'zod';

export const MAX_RATING_COMMENT = 2000;

export const rateConversationSchema = z.strictObject({
  score: z
    .number({ message: 'must be a whole number from 1 to 5' })
    .int({ message: 'must be a whole number from 1 to 5' })
    .min(1, { message: 'must be a whole number from 1 to 5' })
    .max(5, { message: 'must be a whole number from 1 to 5' })
    .describe('1 (bad) to 5 (great)'),
  comment: z
    .string({ message: 'must be a string' })
    .trim()
    .max(MAX_RATING_COMMENT, { message: `must be at most ${MAX_RATING_COMMENT} characters` })
    .refine((value) => !value.includes('\u0000'), { message: 'must not contain NUL characters' })
    .nullish()
    .transform((value) => (value ? value : null))
    .describe(`Optional, up to ${MAX_RATING_COMMENT} characters`),
});
export type RateConversationInput = z.output<typeof rateConversationSchema>;

export interface RatingView {
  conversationId: number;
  userId: number;
  score: number;
  comment: string | null;
  createdAt: string;
}
