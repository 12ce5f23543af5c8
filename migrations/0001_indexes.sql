CREATE INDEX `mandates_org_active` ON `mandates` (`org_id`,`active`);--> statement-breakpoint
CREATE UNIQUE INDEX `upstreams_org_namespace` ON `upstreams` (`org_id`,`namespace`);