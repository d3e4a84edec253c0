export { probeRedis, type RedisProbeDeps } from "./probe.js";
export type {
  RedisAclLogEntry,
  RedisAclLogObservation,
  RedisAclObservation,
  RedisDefaultUser,
  RedisObservation,
  RedisPlaintextObservation,
  RedisTlsObservation,
  RedisTransport,
  RedisUnauthenticatedObservation,
} from "./types.js";
