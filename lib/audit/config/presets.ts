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
  /** The id sequences of those tables (bigserial ids); uuid-keyed tables have none. */
  sequences: readonly string[];
  /** Table name -> columns holding the serialized job (handler, arguments). */
  payloadColumns: Readonly<Record<string, readonly string[]>>;
  /** Where the names come from, in the library's own source. */
  source: string;
}

export const TABLE_PRESETS: Readonly<Record<TableQueue, TablePreset>> = {
  delayed_job: {
    tables: ["delayed_jobs"],
    sequences: ["delayed_jobs_id_seq"],
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
    sequences: [
      "solid_queue_jobs_id_seq",
      "solid_queue_ready_executions_id_seq",
      "solid_queue_scheduled_executions_id_seq",
      "solid_queue_claimed_executions_id_seq",
      "solid_queue_blocked_executions_id_seq",
      "solid_queue_failed_executions_id_seq",
      "solid_queue_recurring_executions_id_seq",
      "solid_queue_recurring_tasks_id_seq",
      "solid_queue_pauses_id_seq",
      "solid_queue_processes_id_seq",
      "solid_queue_semaphores_id_seq",
    ],
    // class_name is the ActiveJob class a worker instantiates; command is Ruby code recurring tasks eval.
    payloadColumns: {
      solid_queue_jobs: ["class_name", "arguments"],
      solid_queue_recurring_tasks: ["class_name", "arguments", "command"],
    },
    source: "solid_queue: lib/generators/solid_queue/install/templates/db/queue_schema.rb",
  },
  good_job: {
    tables: ["good_jobs", "good_job_executions", "good_job_batches", "good_job_processes", "good_job_settings"],
    sequences: [], // every table is `id: :uuid`
    payloadColumns: {
      good_jobs: ["serialized_params"],
      good_job_executions: ["serialized_params"],
      good_job_batches: ["serialized_properties"],
    },
    source: "good_job: lib/generators/good_job/templates/install/migrations/create_good_jobs.rb.erb",
  },
  que: {
    tables: ["que_jobs", "que_lockers", "que_values"],
    sequences: ["que_jobs_id_seq"], // job_id bigserial (migration 1), renamed in migration 4
    payloadColumns: { que_jobs: ["args", "kwargs", "data", "job_class"] },
    source: "que: lib/que/migrations/ (1..7)",
  },
};

export const REDIS_QUEUES = ["sidekiq", "resque", "bullmq", "celery"] as const;
export type RedisQueue = (typeof REDIS_QUEUES)[number];

export interface RedisKeyPreset {
  /** Redis glob patterns of the keys that hold jobs or decide which jobs run. */
  keys: readonly string[];
  /** Where the names come from, in the library's own source. */
  source: string;
}

/**
 * The default key names of each library (no custom prefix or namespace). Keys that only
 * hold statistics or heartbeats are left out: they carry no job and change no job.
 */
export const REDIS_KEY_PRESETS: Readonly<Record<RedisQueue, RedisKeyPreset>> = {
  sidekiq: {
    // queue:NAME lists (client.rb lpush, fetch.rb brpop), the queues set, the schedule/retry/dead sorted sets.
    keys: ["queue:*", "queues", "schedule", "retry", "dead"],
    source: "sidekiq: lib/sidekiq/client.rb, lib/sidekiq/fetch.rb, lib/sidekiq/scheduled.rb, lib/sidekiq/job_retry.rb, lib/sidekiq/api.rb",
  },
  resque: {
    // Resque.redis is Redis::Namespace "resque" (lib/resque.rb); queue:NAME, queues, failed, and worker:ID holding the running job.
    keys: ["resque:queue:*", "resque:queues", "resque:failed", "resque:worker:*"],
    source: "resque: lib/resque.rb (namespace), lib/resque/data_store.rb, lib/resque/failure/redis.rb",
  },
  bullmq: {
    // Every key is PREFIX:QUEUE:TYPE with prefix 'bull' (src/classes/queue-keys.ts).
    keys: ["bull:*"],
    source: "bullmq: src/classes/queue-keys.ts",
  },
  celery: {
    // The default queue's list, exchange bindings, and the unacked messages (kombu/transport/redis.py).
    keys: ["celery", "_kombu.binding.*", "unacked", "unacked_index", "unacked_mutex"],
    source: "kombu: kombu/transport/redis.py (Channel.keyprefix_queue, unacked_key, unacked_index_key, unacked_mutex_key)",
  },
};
