import { z } from 'zod';

export const MAX_WIDGET_ATTRIBUTES = 20;

const attributeValue = z.union([z.string().max(500, { message: 'must be at most 500 characters' }), z.number().finite(), z.boolean()]);

export const widgetAttributesSchema = z
  .record(
    z
      .string()
      .min(1, { message: 'names must not be empty' })
      .max(50, { message: 'names must be at most 50 characters' })
      .refine((name) => ![...name].some((char) => char.charCodeAt(0) < 32), { message: 'names must not contain control characters' }),
    attributeValue,
  )
  .refine((value) => Object.keys(value).length <= MAX_WIDGET_ATTRIBUTES, {
    message: `must have at most ${MAX_WIDGET_ATTRIBUTES} keys`,
  })
  .describe(`Facts shown to agents: at most ${MAX_WIDGET_ATTRIBUTES} keys, values string (≤ 500), number or boolean`);
export type WidgetAttributes = z.output<typeof widgetAttributesSchema>;

const widgetEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((value) => value.toLowerCase());

const pageUrl = z
  .string()
  .max(2000, { message: 'must be at most 2000 characters' })
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), { message: 'must be an http(s) URL' })
  .describe('The host page the user is on');

// Exactly one identity: a product user with its hash, a host-app token, or (when allowed) a visitor id.
// A missing hash is not a validation error but a refused identity (401), so `hash` is optional here.
export const widgetSessionSchema = z.strictObject({
  id: z
    .union([z.string().min(1).max(200), z.number().int().nonnegative().transform(String)])
    .optional()
    .describe("The product's user id (hashed with WIDGET_SECRET as a string)"),
  email: widgetEmail.optional(),
  name: z.string().trim().min(1, { message: 'must not be empty' }).max(100).optional(),
  hash: z.string().max(200).optional().describe('hex HMAC-SHA256(WIDGET_SECRET, id)'),
  token: z.string().min(1).max(8000).optional().describe('A host-app JWT instead of id + hash'),
  visitorId: z.uuid({ message: 'must be a UUID' }).optional().describe('Anonymous visitor id (WIDGET_ALLOW_ANONYMOUS=true)'),
  attributes: widgetAttributesSchema.optional(),
  pageUrl: pageUrl.optional(),
  timeZone: z.string().max(100).optional().describe('IANA time zone of the browser'),
});
export type WidgetSessionInput = z.output<typeof widgetSessionSchema>;

export const widgetContactUpdateSchema = z
  .strictObject({
    email: widgetEmail.optional().describe("A visitor's own (unverified) email"),
    attributes: widgetAttributesSchema.optional(),
    pageUrl: pageUrl.optional(),
  })
  .refine((value) => value.email !== undefined || value.attributes !== undefined || value.pageUrl !== undefined, {
    message: 'give email, attributes or pageUrl',
  });
export type WidgetContactUpdate = z.output<typeof widgetContactUpdateSchema>;

export interface WidgetContactView {
  userId: number;
  name: string;
  email: string;
  emailVerified: boolean;
  // False for a visitor who has not typed an email yet (email is then '').
  hasEmail: boolean;
  externalId: string | null;
  isVisitor: boolean;
  attributes: WidgetAttributes;
  pageUrl: string | null;
  browser: string | null;
  timeZone: string | null;
  updatedAt: string;
  conversations: { id: number; status: string; lastMessageAt: string; createdAt: string }[];
}

export interface WidgetConfigView {
  // Whether the requesting page's origin may embed the widget.
  originAllowed: boolean;
  origin: string | null;
  allowAnonymous: boolean;
}
