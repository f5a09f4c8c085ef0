import { z } from 'zod';
import { idSchema } from './common.js';

// An admin opened (isViewing: true) or left a conversation; the others get agentViewing.
export const viewingSchema = z.strictObject({
  conversationId: idSchema,
  isViewing: z.boolean({ message: 'must be true or false' }),
});
export type ViewingInput = z.output<typeof viewingSchema>;
