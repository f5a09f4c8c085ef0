import { z } from 'zod';

// The seed's `authenticate {userId, email, role}` carries no token: it fails this schema and acts on nothing.
export const authenticateSchema = z.object({
  token: z.string({ message: 'a token is required: authenticate with {token}' }).min(1).max(8192),
});
