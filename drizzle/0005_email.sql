ALTER TABLE "chat_message" ADD COLUMN IF NOT EXISTS "is_private" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "email_notifications" boolean DEFAULT true NOT NULL;--> statement-breakpoint
CREATE TABLE "email_notification" (
	"conversation_id" integer NOT NULL,
	"recipient_id" integer NOT NULL,
	"last_emailed_seq" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_sent_at" timestamp (3) with time zone,
	"last_error" text,
	CONSTRAINT "email_notification_pkey" PRIMARY KEY("conversation_id","recipient_id")
);
--> statement-breakpoint
ALTER TABLE "email_notification" ADD CONSTRAINT "email_notification_conversation_id_chat_conversation_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."chat_conversation"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_notification" ADD CONSTRAINT "email_notification_recipient_id_users_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_notification_due_idx" ON "email_notification" USING btree ("next_attempt_at");
