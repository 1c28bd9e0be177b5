ALTER TABLE `experiments` ADD `ended_at` text;--> statement-breakpoint
-- Backfill: experiments that ended before ended_at existed get their last update time, which is at
-- or after the real end (so retention counted from it never runs early).
UPDATE `experiments` SET `ended_at` = `updated_at` WHERE `status` IN ('Completed', 'Archived') AND `ended_at` IS NULL;
