ALTER TABLE `upstreams` ADD `tool_prefix` text;--> statement-breakpoint
-- Existing orgs keep today's tool names. Before this column, names were "<namespace>__<tool>" as soon as
-- the org had two active upstreams, and unchanged with one. Orgs with one upstream keep null; orgs with
-- several get "<namespace>__" on every upstream, except the single active one of an org whose others are
-- disabled (its agents see its names unchanged today).
UPDATE `upstreams` SET `tool_prefix` = `namespace` || '__'
WHERE `org_id` IN (SELECT `org_id` FROM `upstreams` GROUP BY `org_id` HAVING count(*) >= 2)
  AND NOT (
    `status` = 'active'
    AND (SELECT count(*) FROM `upstreams` AS `u2`
         WHERE `u2`.`org_id` = `upstreams`.`org_id` AND `u2`.`status` = 'active') = 1
  );--> statement-breakpoint
-- Written by hand: drizzle-kit renders the expression column of this index as broken SQL.
CREATE UNIQUE INDEX `upstreams_org_tool_prefix` ON `upstreams` (`org_id`,coalesce(`tool_prefix`, ''));
