/**
 * Queue presets: the tables (and their id sequences) or Redis keys each job library uses,
 * so a target can say `queue: delayed_job` instead of listing them. Each entry names the
 * library file the names were taken from (docs/postgres.md and docs/redis.md cite them);
 * `payloadColumns` are the columns that name the code a worker runs: write access to them
 * is code execution on the workers.
 */

export const TABLE_QUEUES = ["delayed_job", "solid_queue", "good_job", "que"] as const;
export type TableQueue = (typeof TABLE_QUEUES)[number];

export interface TablePreset {
  /** Unqualified table names; a PostgreSQL target puts them in `public`, a MySQL target in its database. */
  tables: readonly string[];
  /** Table name -> columns holding the serialized job (handler, arguments). */
  payloadColumns: Readonly<Record<string, readonly string[]>>;
  /** Where the names come from, in the library's own source. */
  source: string;
}

export const TABLE_PRESETS: Readonly<Record<TableQueue, TablePreset>> = {
  delayed_job: {
    tables: ["delayed_jobs"],
    payloadColumns: { delayed_jobs: ["handler"] },
    source: "delayed_job_active_record: lib/generators/delayed_job/templates/migration.rb",
  },
  solid_queue: {
    tables: [
      "solid_queue_jobs",
      "solid_queue_ready_executions",
      "solid_queue_scheduled_executions",
      "solid_queue_claimed_executions",
      "solid_queue_blocked_executions",
      "solid_queue_failed_executions",
      "solid_queue_recurring_executions",
      "solid_queue_recurring_tasks",
      "solid_queue_pauses",
      "solid_queue_processes",
      "solid_queue_semaphores",
    ],
    payloadColumns: { solid_queue_jobs: ["arguments"], solid_queue_recurring_tasks: ["arguments", "command"] },
    source: "solid_queue: lib/generators/solid_queue/install/templates/db/queue_schema.rb",
  },
  good_job: {
    tables: ["good_jobs", "good_job_executions", "good_job_batches", "good_job_processes", "good_job_settings"],
    payloadColumns: {
      good_jobs: ["serialized_params"],
      good_job_executions: ["serialized_params"],
      good_job_batches: ["serialized_properties"],
    },
    source: "good_job: lib/generators/good_job/templates/install/migrations/create_good_jobs.rb.erb",
  },
  que: {
    tables: ["que_jobs", "que_lockers", "que_values"],
    payloadColumns: { que_jobs: ["args", "kwargs", "data", "job_class"] },
    source: "que: lib/que/migrations/ (1..7)",
  },
};

export const REDIS_QUEUES = ["sidekiq", "resque", "bullmq", "celery"] as const;
export type RedisQueue = (typeof REDIS_QUEUES)[number];
