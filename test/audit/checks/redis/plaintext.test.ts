/**
 * redis-plaintext on in-memory observations: the in-memory twin of what the live tests see
 * on a real server (a plaintext listener beside TLS, a TLS-only one, an unreachable one).
 */
import { describe, expect, it } from "vitest";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { ENDPOINT, healthy, notProbedError, TLS_OK_EVIDENCE, target, verdictsOf } from "./observation.js";

const ID = "redis-plaintext";
const run = (targets = [target()], observations: RedisObservation[] = [healthy()]) => verdictsOf(ID, targets, observations);
const NOAUTH = "-NOAUTH Authentication required.";
const openPlaintext = { port: 6379, outcome: "accepted", detail: "answered -NOAUTH", reply: NOAUTH } as const;

describe("redis-plaintext", () => {
  it("passes a TLS-only endpoint that refuses plaintext, saying how TLS looked", () => {
    expect(run()).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: ENDPOINT,
        message:
          "jobs-redis refuses plaintext on jobs.example.com:6379 (closed the connection without a RESP reply); it speaks TLSv1.3; its certificate verified against the system trust store.",
        evidence: {
          host: "jobs.example.com",
          tls: TLS_OK_EVIDENCE,
          plaintext: { port: 6379, outcome: "rejected", detail: "closed the connection without a RESP reply" },
        },
      },
    ]);
  });

  it("keeps a non-RESP reply of a refused plaintext attempt in the evidence", () => {
    const plaintext = { port: 6380, outcome: "rejected", detail: "answered something that is not RESP", reply: "HTTP/1.1 400" } as const;
    const [v] = run([target({ plaintextPort: 6380 })], [healthy({ plaintext })]);
    expect(v?.status).toBe("PASS");
    expect(v?.message).toBe(
      "jobs-redis refuses plaintext on jobs.example.com:6380 (answered something that is not RESP); it speaks TLSv1.3; its certificate verified against the system trust store.",
    );
    expect(v?.evidence.plaintext).toStrictEqual({ ...plaintext });
  });

  it("fails when the endpoint answers RESP in plaintext, even with NOAUTH", () => {
    expect(run([target()], [healthy({ plaintext: openPlaintext })])).toStrictEqual([
      {
        checkId: ID,
        status: "FAIL",
        resource: ENDPOINT,
        message: `jobs-redis answers plaintext RESP on jobs.example.com:6379 (${NOAUTH}) although TLS is required; it speaks TLSv1.3; its certificate verified against the system trust store. Close the plaintext listener.`,
        evidence: { host: "jobs.example.com", tls: TLS_OK_EVIDENCE, plaintext: { ...openPlaintext } },
      },
    ]);
  });

  it("fails a plaintext-only server, saying it did not speak TLS either", () => {
    const tls = {
      attempted: true,
      spoken: false,
      verified: false,
      trust: "system",
      error: { source: "redis://jobs.example.com:6379 TLS", reason: "not TLS", code: "EPROTO" },
    } as const;
    const plaintext = { port: 6379, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const [v] = run([target()], [healthy({ tls, plaintext })]);
    expect(v?.status).toBe("FAIL");
    expect(v?.message).toBe(
      "jobs-redis answers plaintext RESP on jobs.example.com:6379 (+PONG) although TLS is required; it did not complete a TLS handshake either. Close the plaintext listener.",
    );
    expect(v?.evidence).toStrictEqual({
      host: "jobs.example.com",
      tls: { spoken: false, verified: false, trust: "system" },
      plaintext: { port: 6379, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" },
    });
  });

  it("names the CA file, the unknown verify reason and a TLS without a named protocol", () => {
    const tls = { attempted: true, spoken: true, verified: false, trust: { caFile: "/etc/ca/queue.pem" } } as const;
    const [v] = run([target({ caFile: "/etc/ca/queue.pem" })], [healthy({ tls, plaintext: openPlaintext })]);
    expect(v?.message).toBe(
      `jobs-redis answers plaintext RESP on jobs.example.com:6379 (${NOAUTH}) although TLS is required; it speaks TLS; but its certificate did NOT verify against CA file /etc/ca/queue.pem (unknown reason): clients that check certificates will refuse it, and clients that do not can be intercepted. Close the plaintext listener.`,
    );
    expect(v?.evidence.tls).toStrictEqual({ spoken: true, verified: false, trust: { caFile: "/etc/ca/queue.pem" } });
  });

  it("passes but says so when the certificate did not verify", () => {
    const tls = {
      attempted: true,
      spoken: true,
      protocol: "TLSv1.2",
      verified: false,
      verifyError: "CERT_HAS_EXPIRED",
      trust: "system",
    } as const;
    const [v] = run([target()], [healthy({ tls })]);
    expect(v?.status).toBe("PASS");
    expect(v?.message).toBe(
      "jobs-redis refuses plaintext on jobs.example.com:6379 (closed the connection without a RESP reply); it speaks TLSv1.2; but its certificate did NOT verify against the system trust store (CERT_HAS_EXPIRED): clients that check certificates will refuse it, and clients that do not can be intercepted.",
    );
    expect(v?.evidence.tls).toStrictEqual({
      spoken: true,
      protocol: "TLSv1.2",
      verified: false,
      verifyError: "CERT_HAS_EXPIRED",
      trust: "system",
    });
  });

  it("still fails on an answering plaintext port when the TLS endpoint was unreachable", () => {
    const error = {
      source: "redis://jobs.example.com:6379",
      reason: "cannot connect to jobs.example.com:6379: ETIMEDOUT",
      code: "ETIMEDOUT",
    };
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const tls = { attempted: true, spoken: false, verified: false, trust: "system" } as const;
    const [v, ...rest] = run(
      [target({ plaintextPort: 6380 })],
      [healthy({ error, tls, unauthenticated: { outcome: "error", error }, plaintext })],
    );
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ status: "FAIL", evidence: { plaintext: { port: 6380, outcome: "accepted" } } });
    expect(v?.message).toBe(
      "jobs-redis answers plaintext RESP on jobs.example.com:6380 (+PONG) although TLS is required; it did not complete a TLS handshake either. Close the plaintext listener.",
    );
  });

  it("gives ERROR with the endpoint's error, not PASS, when the endpoint was unreachable and plaintext was refused", () => {
    const error = {
      source: "redis://jobs.example.com:6379",
      reason: "cannot connect to jobs.example.com:6379: ECONNREFUSED",
      code: "ECONNREFUSED",
    };
    expect(run([target()], [healthy({ error })])).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: ENDPOINT,
        message:
          "Could not evaluate whether jobs-redis accepts plaintext: cannot connect to jobs.example.com:6379: ECONNREFUSED (redis://jobs.example.com:6379).",
        evidence: error,
        cause: error,
      },
    ]);
  });

  it("gives ERROR with the attempt's own error when the plaintext attempt could not tell", () => {
    const error = { source: "redis://jobs.example.com:6380 plaintext PING", reason: "no answer", code: "ETIMEDOUT" };
    const [v, ...rest] = run(
      [target({ plaintextPort: 6380 })],
      [healthy({ plaintext: { port: 6380, outcome: "error", detail: "no usable answer", error } })],
    );
    expect(rest).toEqual([]);
    expect(v).toStrictEqual({
      checkId: ID,
      status: "ERROR",
      resource: ENDPOINT,
      message: "Could not evaluate whether jobs-redis accepts plaintext: no answer (redis://jobs.example.com:6380 plaintext PING).",
      evidence: error,
      cause: error,
    });
  });

  it("gives ERROR, naming the endpoint, when the plaintext attempt was not made or brought no error", () => {
    const cause = { source: "redis://jobs.example.com:6379", reason: "the plaintext attempt was not made", code: "NotProbed" };
    const expected = {
      checkId: ID,
      status: "ERROR",
      resource: ENDPOINT,
      message:
        "Could not evaluate whether jobs-redis accepts plaintext: the plaintext attempt was not made (redis://jobs.example.com:6379).",
      evidence: cause,
      cause,
    };
    // The plaintext port is not where the cause points: the endpoint is.
    expect(run([target({ plaintextPort: 6380 })], [healthy({ plaintext: undefined })])).toStrictEqual([expected]);
    expect(run([target()], [healthy({ plaintext: { port: 6379, outcome: "error", detail: "no usable answer" } })])).toStrictEqual([
      expected,
    ]);
  });

  it("gives ERROR for a target the probe did not report", () => {
    expect(run([target()], [])).toStrictEqual([notProbedError(ID, "whether jobs-redis accepts plaintext")]);
  });

  it("is silent where the config says tls: optional, even on an open plaintext listener", () => {
    expect(run([target({ tls: "optional" })], [healthy({ plaintext: openPlaintext })])).toEqual([]);
    expect(run([target({ tls: "optional" })], [])).toEqual([]);
  });

  it("judges each target by its own observation, matched by name, in config order", () => {
    const other = { ...healthy({ plaintext: openPlaintext }), target: "other-redis", host: "other.example.com" };
    const results = run(
      [
        target(),
        target({ name: "other-redis", endpoint: { host: "other.example.com", port: 6379 } }),
        target({ name: "lax", tls: "optional" }),
      ],
      [other, healthy()],
    );
    expect(results.map((r) => [r.resource.id, r.status])).toEqual([
      ["jobs-redis", "PASS"],
      ["other-redis", "FAIL"],
    ]);
    expect(results[1]?.resource).toStrictEqual({ type: "Redis::Endpoint", id: "other-redis" });
  });
});
