-- Widget users (external ids "widget|<product id>" and "widget-visitor|<uuid>") are keyed by their external id and
-- never merged with a local account of the same email, so the email is unique only among the other accounts.
DROP INDEX "users_email_lower_key";--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_key" ON "users" USING btree (lower("email")) WHERE "external_id" IS NULL OR NOT ("external_id" LIKE 'widget|%' OR "external_id" LIKE 'widget-visitor|%');--> statement-breakpoint
CREATE TABLE "widget_contact" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"page_url" text,
	"browser" text,
	"time_zone" text,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
ALTER TABLE "widget_contact" ADD CONSTRAINT "widget_contact_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
