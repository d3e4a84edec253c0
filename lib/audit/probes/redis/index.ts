export { probeRedis, type RedisProbeDeps } from "./probe.js";
export type {
  RedisAclObservation,
  RedisDefaultUser,
  RedisObservation,
  RedisPlaintextObservation,
  RedisTlsObservation,
  RedisTransport,
  RedisUnauthenticatedObservation,
} from "./types.js";
