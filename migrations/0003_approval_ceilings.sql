ALTER TABLE `agents` ADD `inline_approvals` integer;--> statement-breakpoint
ALTER TABLE `approvals` ADD `max_amount` text;--> statement-breakpoint
ALTER TABLE `approvals` ADD `max_currency` text;--> statement-breakpoint
ALTER TABLE `approvals` ADD `max_decimals` integer;--> statement-breakpoint
ALTER TABLE `approvals` ADD `call_context` text;