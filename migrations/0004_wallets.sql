CREATE TABLE `wallet_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`wallet_id` text NOT NULL,
	`kind` text NOT NULL,
	`address` text,
	`secret` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `wallet_methods_wallet` ON `wallet_methods` (`wallet_id`);--> statement-breakpoint
CREATE TABLE `wallets` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`cap_currency` text NOT NULL,
	`cap_decimals` integer NOT NULL,
	`cap_daily` text,
	`cap_total` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wallets_org_name` ON `wallets` (`org_id`,`name`);--> statement-breakpoint
ALTER TABLE `agents` ADD `pay_mode` text DEFAULT 'agent-pays' NOT NULL;--> statement-breakpoint
ALTER TABLE `agents` ADD `wallet_id` text;--> statement-breakpoint
ALTER TABLE `transactions` ADD `wallet_id` text;