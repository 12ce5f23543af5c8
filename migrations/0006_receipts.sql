CREATE TABLE `receipts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`chain` text NOT NULL,
	`seq` integer NOT NULL,
	`tx_id` text NOT NULL,
	`status` text NOT NULL,
	`hash` text NOT NULL,
	`prev_hash` text,
	`kid` text NOT NULL,
	`jws` text NOT NULL,
	`decided_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipts_chain_seq` ON `receipts` (`chain`,`seq`);--> statement-breakpoint
CREATE INDEX `receipts_org_decided` ON `receipts` (`org_id`,`decided_at`);--> statement-breakpoint
CREATE INDEX `receipts_tx` ON `receipts` (`tx_id`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`public_jwk` text NOT NULL,
	`sealed_private` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`retired_at` integer
);
--> statement-breakpoint
CREATE INDEX `signing_keys_org` ON `signing_keys` (`org_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_one_active` ON `signing_keys` (`org_id`) WHERE status = 'active';