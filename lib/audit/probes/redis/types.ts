import type { ObservationError } from "../../findings/model.js";

/** What the Redis probe observed of one `redis[]` target. (Filled in by the probe work.) */
export interface RedisObservation {
  /** The config target's `name`. */
  target: string;
  error?: ObservationError;
}
