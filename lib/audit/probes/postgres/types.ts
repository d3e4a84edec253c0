import type { ObservationError } from "../../findings/model.js";

/** What the PostgreSQL probe observed of one `postgres[]` target. (Filled in by the probe work.) */
export interface PostgresObservation {
  /** The config target's `name`. */
  target: string;
  error?: ObservationError;
}
