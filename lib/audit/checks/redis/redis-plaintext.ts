import type { CheckResult } from "../../findings/model.js";
import type { RedisObservation } from "../../probes/redis/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { notProbed, redisSubjects, tlsEvidence, where } from "./targets.js";

/** How the endpoint's TLS looked, for the sentence of a verdict. */
function tlsPhrase(o: RedisObservation): string {
  const t = o.tls;
  if (!t.spoken) return "it did not complete a TLS handshake either";
  const trust = t.trust === "system" ? "the system trust store" : `CA file ${t.trust.caFile}`;
  const verified = t.verified
    ? `its certificate verified against ${trust}`
    : `but its certificate did NOT verify against ${trust} (${t.verifyError ?? "unknown reason"}): clients that check certificates will refuse it, and clients that do not can be intercepted`;
  return `it speaks ${t.protocol ?? "TLS"}; ${verified}`;
}

export const redisPlaintext: Check = {
  meta: {
    id: "redis-plaintext",
    title: "Redis accepts plaintext connections",
    severity: "high",
    resourceType: "Redis::Endpoint",
    rationale:
      "Where the config says TLS is required, a listener that still answers in plaintext lets job payloads and AUTH passwords cross the network readable and alterable by anyone who can see the traffic, and lets clients silently fall back to it.",
    remediation:
      "Close the plaintext listener. Self-managed (redis.conf): `port 0`, `tls-port 6379`, `tls-cert-file`, `tls-key-file`, `tls-ca-cert-file`. ElastiCache: `aws elasticache modify-replication-group --replication-group-id jobs-redis --transit-encryption-enabled --transit-encryption-mode required --apply-immediately` once every client connects with TLS (move through `preferred` first).",
    references: [
      "AWS Security Hub ElastiCache.5",
      "Redis TLS: https://redis.io/docs/latest/operate/oss_and_stack/management/security/encryption/",
      "Amazon ElastiCache User Guide: Enabling in-transit encryption on an existing cluster",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const { target, resource, observation: o } of redisSubjects(ctx)) {
      if (target.tls !== "required") continue; // the config accepts plaintext
      if (!o) {
        out.push(unobserved("redis-plaintext", resource, notProbed(target), `whether ${target.name} accepts plaintext`));
        continue;
      }
      const p = o.plaintext;
      const evidence = {
        host: o.host,
        tls: tlsEvidence(o),
        ...(p ? { plaintext: { port: p.port, outcome: p.outcome, detail: p.detail, ...(p.reply ? { reply: p.reply } : {}) } } : {}),
      };
      if (p?.outcome === "accepted") {
        out.push(
          fail(
            "redis-plaintext",
            resource,
            undefined,
            `${target.name} answers plaintext RESP on ${o.host}:${p.port} (${p.reply}) although TLS is required; ${tlsPhrase(o)}. Close the plaintext listener.`,
            evidence,
          ),
        );
        continue;
      }
      if (o.error) {
        out.push(unobserved("redis-plaintext", resource, o.error, `whether ${target.name} accepts plaintext`));
        continue;
      }
      if (!p || p.outcome === "error") {
        const cause = p?.error ?? { source: `redis://${where(target)}`, reason: "the plaintext attempt was not made", code: "NotProbed" };
        out.push(unobserved("redis-plaintext", resource, cause, `whether ${target.name} accepts plaintext`));
        continue;
      }
      out.push(
        pass(
          "redis-plaintext",
          resource,
          `${target.name} refuses plaintext on ${o.host}:${p.port} (${p.detail}); ${tlsPhrase(o)}.`,
          evidence,
        ),
      );
    }
    return out;
  },
};
