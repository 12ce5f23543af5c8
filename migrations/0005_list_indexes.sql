DROP INDEX `mandates_org_active`;--> statement-breakpoint
CREATE INDEX `agents_org_default` ON `agents` (`org_id`,`is_default`);--> statement-breakpoint
CREATE INDEX `agents_org_time` ON `agents` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `approvals_org_time` ON `approvals` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `wallets_org_time` ON `wallets` (`org_id`,`created_at`,`id`);