CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`governance_tools` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_org_name` ON `agents` (`org_id`,`name`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`agent_id` text,
	`scope` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org` ON `api_keys` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`tool` text NOT NULL,
	`args_hash` text NOT NULL,
	`args_summary` text DEFAULT '' NOT NULL,
	`amount` text,
	`currency` text,
	`decimals` integer,
	`vendor` text,
	`rule` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`reservation_id` text,
	`note` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`decided_at` integer
);
--> statement-breakpoint
CREATE INDEX `approvals_org_status` ON `approvals` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `approvals_agent_call` ON `approvals` (`agent_id`,`tool`,`args_hash`);--> statement-breakpoint
CREATE TABLE `mandates` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`version` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`currency` text NOT NULL,
	`decimals` integer NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`budget_daily` text,
	`budget_weekly` text,
	`budget_monthly` text,
	`budget_total` text,
	`per_transaction_limit` text,
	`approval_threshold` text,
	`vendor_allow` text,
	`vendor_deny` text,
	`categories` text,
	`time_windows` text,
	`rate_limits` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mandates_agent` ON `mandates` (`agent_id`,`active`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `policies` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`parsed` text NOT NULL,
	`mode` text DEFAULT 'enforce' NOT NULL,
	`active` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `policies_org` ON `policies` (`org_id`,`version`);--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`agent_id` text,
	`session_id` text,
	`tool` text,
	`upstream_id` text,
	`kind` text NOT NULL,
	`amount` text,
	`currency` text,
	`decimals` integer,
	`committed_amount` text,
	`vendor` text,
	`decision` text NOT NULL,
	`shadow` integer DEFAULT false NOT NULL,
	`reason_code` text,
	`reason` text,
	`rules` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`unconfirmed` integer DEFAULT false NOT NULL,
	`challenge_id` text,
	`receipt_ref` text,
	`approval_id` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `transactions_org_time` ON `transactions` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `transactions_agent_time` ON `transactions` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `transactions_org_status` ON `transactions` (`org_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `upstreams` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`namespace` text NOT NULL,
	`url` text NOT NULL,
	`headers` text DEFAULT '{}' NOT NULL,
	`agent_ids` text,
	`tool_prices` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `upstreams_org` ON `upstreams` (`org_id`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`status` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery` ON `webhook_attempts` (`delivery_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_org_time` ON `webhook_deliveries` (`org_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`failing_since` integer,
	`disabled_reason` text,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_org` ON `webhook_endpoints` (`org_id`);