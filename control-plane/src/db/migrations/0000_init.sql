CREATE TABLE `bandit_allocations` (
	`id` text PRIMARY KEY NOT NULL,
	`bandit_config_id` text NOT NULL,
	`decision_id` text,
	`timestamp` text NOT NULL,
	`arm_probabilities` text NOT NULL,
	`selected_arm` text NOT NULL,
	`reward` real,
	`context` text,
	FOREIGN KEY (`bandit_config_id`) REFERENCES `bandit_configurations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bandit_allocations_decision_id_unique` ON `bandit_allocations` (`decision_id`);--> statement-breakpoint
CREATE INDEX `bandit_allocations_config_time_idx` ON `bandit_allocations` (`bandit_config_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `bandit_configurations` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`algorithm` text NOT NULL,
	`exploration_rate` real NOT NULL,
	`context_features` text,
	`arm_definitions` text NOT NULL,
	`update_frequency` integer NOT NULL,
	`regret_threshold` real NOT NULL,
	`non_stationary_params` text,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "bandit_algorithm_check" CHECK("bandit_configurations"."algorithm" IN ('EpsilonGreedy','ThompsonSampling','UCB','Contextual')),
	CONSTRAINT "bandit_exploration_rate_check" CHECK("bandit_configurations"."exploration_rate" >= 0 AND "bandit_configurations"."exploration_rate" <= 1),
	CONSTRAINT "bandit_update_frequency_check" CHECK("bandit_configurations"."update_frequency" >= 0)
);
--> statement-breakpoint
CREATE INDEX `bandit_configurations_experiment_idx` ON `bandit_configurations` (`experiment_id`,`is_active`);--> statement-breakpoint
CREATE TABLE `regret_metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`bandit_config_id` text NOT NULL,
	`timestamp` text NOT NULL,
	`cumulative_regret` real NOT NULL,
	`expected_loss` real NOT NULL,
	`prob_best` text NOT NULL,
	`arm_estimates` text NOT NULL,
	`winner` text,
	FOREIGN KEY (`bandit_config_id`) REFERENCES `bandit_configurations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `regret_metrics_config_time_idx` ON `regret_metrics` (`bandit_config_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `bayesian_models` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`model_type` text NOT NULL,
	`hyperparameters` text NOT NULL,
	`acquisition_function` text NOT NULL,
	`parameter_space` text NOT NULL,
	`posterior_state` text,
	`next_points` text,
	`convergence_metrics` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "bayesian_model_type_check" CHECK("bayesian_models"."model_type" IN ('GaussianProcess','BayesianLinear','DirichletProcess')),
	CONSTRAINT "bayesian_acquisition_check" CHECK("bayesian_models"."acquisition_function" IN ('ExpectedImprovement','UCB','ProbabilityImprovement'))
);
--> statement-breakpoint
CREATE INDEX `bayesian_models_experiment_idx` ON `bayesian_models` (`experiment_id`);--> statement-breakpoint
CREATE TABLE `optimization_iterations` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`iteration_number` integer NOT NULL,
	`suggested_point` text NOT NULL,
	`observed_value` real,
	`acquisition_value` real,
	`improvement` real,
	`created_at` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `bayesian_models`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "optimization_iteration_number_check" CHECK("optimization_iterations"."iteration_number" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `optimization_iterations_model_number_unique` ON `optimization_iterations` (`model_id`,`iteration_number`);--> statement-breakpoint
CREATE TABLE `experiment_assignments` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`decision_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`combination_id` text,
	`arm_id` text,
	`variable_values` text,
	`probability` real,
	`algorithm` text,
	`allocation_version` integer,
	`context` text,
	`assigned_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiment_assignments_decision_id_unique` ON `experiment_assignments` (`decision_id`);--> statement-breakpoint
CREATE INDEX `assignments_experiment_assigned_idx` ON `experiment_assignments` (`experiment_id`,`assigned_at`);--> statement-breakpoint
CREATE INDEX `assignments_experiment_combination_idx` ON `experiment_assignments` (`experiment_id`,`combination_id`);--> statement-breakpoint
CREATE TABLE `experiment_results` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`event_id` text NOT NULL,
	`decision_id` text,
	`unit_id` text,
	`combination_id` text,
	`arm_id` text,
	`metric` text DEFAULT 'reward' NOT NULL,
	`value` real NOT NULL,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `experiment_results_event_id_unique` ON `experiment_results` (`event_id`);--> statement-breakpoint
CREATE INDEX `results_experiment_occurred_idx` ON `experiment_results` (`experiment_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `results_experiment_combination_idx` ON `experiment_results` (`experiment_id`,`combination_id`);--> statement-breakpoint
CREATE INDEX `results_decision_idx` ON `experiment_results` (`decision_id`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`status` text DEFAULT 'Draft' NOT NULL,
	`kind` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "experiments_status_check" CHECK("experiments"."status" IN ('Draft','Running','Paused','Completed','Archived')),
	CONSTRAINT "experiments_kind_check" CHECK("experiments"."kind" IN ('ab','multivariate'))
);
--> statement-breakpoint
CREATE INDEX `experiments_status_created_idx` ON `experiments` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `experiments_created_idx` ON `experiments` (`created_at`);--> statement-breakpoint
CREATE TABLE `multivariate_experiments` (
	`experiment_id` text PRIMARY KEY NOT NULL,
	`design_type` text NOT NULL,
	`variables` text NOT NULL,
	`combinations` text NOT NULL,
	`interaction_matrix` text NOT NULL,
	`design_options` text,
	`power_analysis` text,
	`allocation_version` integer DEFAULT 0 NOT NULL,
	`hash_salt` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "multivariate_design_type_check" CHECK("multivariate_experiments"."design_type" IN ('FullFactorial','FractionalFactorial','LatinSquare','OrthogonalArray')),
	CONSTRAINT "multivariate_allocation_version_check" CHECK("multivariate_experiments"."allocation_version" >= 0)
);
--> statement-breakpoint
CREATE TABLE `network_graphs` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`graph_type` text NOT NULL,
	`nodes` text NOT NULL,
	`edges` text NOT NULL,
	`clusters` text NOT NULL,
	`spillover_model` text NOT NULL,
	`randomization_seed` integer NOT NULL,
	`modularity` real,
	`created_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "network_graph_type_check" CHECK("network_graphs"."graph_type" IN ('Social','Geographic','Behavioral'))
);
--> statement-breakpoint
CREATE INDEX `network_graphs_experiment_idx` ON `network_graphs` (`experiment_id`);--> statement-breakpoint
CREATE TABLE `spillover_measurements` (
	`id` text PRIMARY KEY NOT NULL,
	`graph_id` text NOT NULL,
	`timestamp` text NOT NULL,
	`direct_effect` real NOT NULL,
	`indirect_effect` real NOT NULL,
	`total_effect` real NOT NULL,
	`affected_nodes` text NOT NULL,
	`details` text,
	FOREIGN KEY (`graph_id`) REFERENCES `network_graphs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `spillover_measurements_graph_time_idx` ON `spillover_measurements` (`graph_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `experiment_observations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` text NOT NULL,
	`row` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `experiment_observations_experiment_idx` ON `experiment_observations` (`experiment_id`,`id`);--> statement-breakpoint
CREATE TABLE `model_predictions` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`prediction` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `statistical_models`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `model_predictions_model_idx` ON `model_predictions` (`model_id`);--> statement-breakpoint
CREATE TABLE `statistical_models` (
	`id` text PRIMARY KEY NOT NULL,
	`experiment_id` text NOT NULL,
	`model_class` text NOT NULL,
	`specification` text NOT NULL,
	`estimation_method` text NOT NULL,
	`options` text,
	`fitted_parameters` text,
	`model_diagnostics` text,
	`predictions` text,
	`uncertainty_quantification` text,
	`computed_at` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "statistical_model_class_check" CHECK("statistical_models"."model_class" IN ('Hierarchical','TimeSeries','MixedEffects','Causal')),
	CONSTRAINT "statistical_estimation_check" CHECK("statistical_models"."estimation_method" IN ('MLE','Bayesian','Bootstrap')),
	CONSTRAINT "statistical_status_check" CHECK("statistical_models"."status" IN ('queued','running','completed','failed')),
	CONSTRAINT "statistical_progress_check" CHECK("statistical_models"."progress" >= 0 AND "statistical_models"."progress" <= 1)
);
--> statement-breakpoint
CREATE INDEX `statistical_models_experiment_idx` ON `statistical_models` (`experiment_id`);--> statement-breakpoint
CREATE INDEX `statistical_models_status_idx` ON `statistical_models` (`status`);--> statement-breakpoint
CREATE TABLE `sync_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` text NOT NULL,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sync_outbox_kind_check" CHECK("sync_outbox"."kind" IN ('allocation'))
);
--> statement-breakpoint
CREATE INDEX `sync_outbox_pending_idx` ON `sync_outbox` (`experiment_id`,`id`) WHERE "sync_outbox"."delivered_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `sync_outbox_experiment_kind_version_unique` ON `sync_outbox` (`experiment_id`,`kind`,`version`);