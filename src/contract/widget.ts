import { z } from 'zod';
import { sessionSchema } from './auth.js';
import { isoDateSchema } from './common.js';

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

export const widgetContactFlagsSchema = z.object({
  isVisitor: z.boolean().describe('An anonymous visitor (WIDGET_ALLOW_ANONYMOUS), not a product user'),
  // False for a visitor who has not typed an email yet: the panel asks for one before the first message.
  hasEmail: z.boolean(),
  emailVerified: z.boolean(),
});
export type WidgetContactFlags = z.output<typeof widgetContactFlagsSchema>;

export const widgetSessionViewSchema = sessionSchema.extend({ contact: widgetContactFlagsSchema });
export type WidgetSessionView = z.output<typeof widgetSessionViewSchema>;

export const widgetContactSchema = z.object({
  userId: z.number().int(),
  name: z.string(),
  // '' when hasEmail is false.
  email: z.string(),
  emailVerified: z.boolean(),
  hasEmail: z.boolean(),
  externalId: z.string().nullable().describe("The product's user id (widget users), the visitor id, or <issuer>|<sub> (host tokens)"),
  isVisitor: z.boolean(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  pageUrl: z.string().nullable(),
  browser: z.string().nullable(),
  timeZone: z.string().nullable(),
  updatedAt: isoDateSchema,
  conversations: z.array(z.object({ id: z.number().int(), status: z.string(), lastMessageAt: isoDateSchema, createdAt: isoDateSchema })),
});
export type WidgetContactView = z.output<typeof widgetContactSchema>;

export const widgetConfigSchema = z.object({
  // Whether the requesting page's origin may embed the widget.
  originAllowed: z.boolean(),
  origin: z.string().nullable(),
  allowAnonymous: z.boolean(),
});
export type WidgetConfigView = z.output<typeof widgetConfigSchema>;
