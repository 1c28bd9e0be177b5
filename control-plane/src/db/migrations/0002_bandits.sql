CREATE TABLE `bandit_drift_events` (
	`id` text PRIMARY KEY NOT NULL,
	`event_key` text NOT NULL,
	`experiment_id` text NOT NULL,
	`bandit_config_id` text,
	`seq` integer,
	`arm_id` text,
	`detector` text NOT NULL,
	`statistic` real,
	`detected_at` text NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`bandit_config_id`) REFERENCES `bandit_configurations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bandit_drift_events_event_key_unique` ON `bandit_drift_events` (`event_key`);--> statement-breakpoint
CREATE INDEX `bandit_drift_events_config_time_idx` ON `bandit_drift_events` (`bandit_config_id`,`detected_at`);--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `reward_type` text DEFAULT 'binary' NOT NULL;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `min_arm_share` real DEFAULT 0.01 NOT NULL;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `control_arm_id` text;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `control_share` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `shards` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `winner_arm_id` text;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `winner_declared_at` text;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `edge_bandit` text;--> statement-breakpoint
ALTER TABLE `bandit_configurations` ADD `updated_at` text;--> statement-breakpoint
CREATE UNIQUE INDEX `bandit_configurations_one_active_idx` ON `bandit_configurations` (`experiment_id`) WHERE "bandit_configurations"."is_active" = 1;--> statement-breakpoint
ALTER TABLE `multivariate_experiments` ADD `context_schema` text;