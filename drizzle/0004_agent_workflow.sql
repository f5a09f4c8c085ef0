-- Private notes share the conversation's seq; the email branch adds the same idempotent line.
alter table chat_message add column if not exists is_private boolean not null default false;
--> statement-breakpoint
ALTER TABLE "chat_conversation" ADD COLUMN "assignee_id" integer REFERENCES "users"("id") ON DELETE SET NULL;
--> statement-breakpoint
ALTER TABLE "chat_conversation" ADD COLUMN "assigned_at" timestamp (3) with time zone;
--> statement-breakpoint
ALTER TABLE "chat_conversation" ADD COLUMN "closed_at" timestamp (3) with time zone;
--> statement-breakpoint
ALTER TABLE "chat_conversation" ADD COLUMN "close_count" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE INDEX "chat_conversation_assignee_idx" ON "chat_conversation" USING btree ("assignee_id","status");
--> statement-breakpoint
CREATE TABLE "chat_canned_response" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "chat_canned_response_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"short_code" text NOT NULL,
	"content" text NOT NULL,
	"created_by" integer REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "chat_canned_response_short_code_key" ON "chat_canned_response" USING btree ("short_code");
--> statement-breakpoint
CREATE TABLE "chat_rating" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "chat_rating_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"conversation_id" integer NOT NULL REFERENCES "chat_conversation"("id") ON DELETE CASCADE,
	"user_id" integer NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"closing" integer NOT NULL,
	"score" integer NOT NULL,
	"comment" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_rating_score_check" CHECK ("score" between 1 and 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "chat_rating_conversation_closing_key" ON "chat_rating" USING btree ("conversation_id","closing");
--> statement-breakpoint
CREATE INDEX "chat_rating_created_idx" ON "chat_rating" USING btree ("created_at");
