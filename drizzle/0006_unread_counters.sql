ALTER TABLE "chat_conversation" ADD COLUMN IF NOT EXISTS "unread_by_admins" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_conversation" ADD COLUMN IF NOT EXISTS "unread_by_user" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "chat_conversation" c SET
  "unread_by_admins" = (SELECT count(*) FROM "chat_message" m WHERE m."conversation_id" = c."id" AND NOT m."is_read" AND m."sender_id" = c."user_id"),
  "unread_by_user" = (SELECT count(*) FROM "chat_message" m WHERE m."conversation_id" = c."id" AND NOT m."is_read" AND m."sender_id" <> c."user_id" AND NOT m."is_private");
