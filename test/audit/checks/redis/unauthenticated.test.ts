/**
 * redis-unauthenticated on in-memory observations: which replies to a PING without
 * credentials open the door (+PONG, -NOPERM, on TLS or a plaintext port), which close it
 * (-NOAUTH, -WRONGPASS), and that no usable answer is an ERROR, never a PASS.
 */
import { describe, expect, it } from "vitest";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { ENDPOINT, healthy, notProbedError, TLS_OK_EVIDENCE, target, verdictsOf } from "./observation.js";

const ID = "redis-unauthenticated";
const run = (targets = [target()], observations: RedisObservation[] = [healthy()]) => verdictsOf(ID, targets, observations);
const NOPERM = "-NOPERM User default has no permissions to run the 'ping' command";
const base = { host: "jobs.example.com", port: 6379, tls: TLS_OK_EVIDENCE };
const failOpen = (message: string, unauthenticated: unknown[]) => ({
  checkId: ID,
  status: "FAIL",
  resource: ENDPOINT,
  message,
  evidence: { ...base, unauthenticated },
});

describe("redis-unauthenticated", () => {
  it("passes an endpoint that answers -NOAUTH, with the transport and reply as evidence", () => {
    expect(run()).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: ENDPOINT,
        message: "jobs-redis (jobs.example.com:6379) refuses commands without credentials (-NOAUTH Authentication required.).",
        evidence: { ...base, transport: "tls", reply: "-NOAUTH Authentication required." },
      },
    ]);
  });

  it("passes on -WRONGPASS (the default user off) as well", () => {
    const reply = "-WRONGPASS invalid username-password pair or user is disabled.";
    const [v] = run([target()], [healthy({ unauthenticated: { outcome: "wrongpass", transport: "plaintext", reply } })]);
    expect(v).toStrictEqual({
      checkId: ID,
      status: "PASS",
      resource: ENDPOINT,
      message: `jobs-redis (jobs.example.com:6379) refuses commands without credentials (${reply}).`,
      evidence: { ...base, transport: "plaintext", reply },
    });
  });

  it("fails on +PONG without credentials", () => {
    expect(run([target()], [healthy({ unauthenticated: { outcome: "accepted", transport: "tls", reply: "+PONG" } })])).toStrictEqual([
      failOpen("jobs-redis (jobs.example.com:6379) answers PING without credentials (+PONG): turn the default user off or require AUTH.", [
        { transport: "tls", port: 6379, reply: "+PONG" },
      ]),
    ]);
  });

  it("fails on -NOPERM: the connection was let in as default, only PING was refused", () => {
    const [v] = run([target()], [healthy({ unauthenticated: { outcome: "noperm", reply: NOPERM } })]);
    // No transport recorded: TLS, what the probe tries first.
    expect(v).toStrictEqual(
      failOpen(
        "jobs-redis (jobs.example.com:6379) logs connections without credentials in as `default` (PING was refused by its ACL, other commands may not be): turn the default user off or require AUTH.",
        [{ transport: "tls", port: 6379, reply: NOPERM }],
      ),
    );
  });

  it("fails when only a second plaintext port answers PONG, naming that port", () => {
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    expect(run([target({ plaintextPort: 6380 })], [healthy({ plaintext })])).toStrictEqual([
      failOpen("jobs-redis (jobs.example.com:6379) answers PING without credentials (+PONG): turn the default user off or require AUTH.", [
        { transport: "plaintext", port: 6380, reply: "+PONG" },
      ]),
    ]);
  });

  it("fails on a plaintext -NOPERM, whatever its case", () => {
    const reply = "-noperm no permissions";
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered -NOPERM", reply } as const;
    const [v] = run([target({ plaintextPort: 6380 })], [healthy({ plaintext })]);
    expect(v?.status).toBe("FAIL");
    expect(v?.evidence.unauthenticated).toStrictEqual([{ transport: "plaintext", port: 6380, reply }]);
  });

  it("lists every open door, TLS first, and phrases the message by the first", () => {
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const [v] = run(
      [target({ plaintextPort: 6380 })],
      [healthy({ unauthenticated: { outcome: "noperm", transport: "tls", reply: NOPERM }, plaintext })],
    );
    expect(v?.message).toBe(
      "jobs-redis (jobs.example.com:6379) logs connections without credentials in as `default` (PING was refused by its ACL, other commands may not be): turn the default user off or require AUTH.",
    );
    expect(v?.evidence.unauthenticated).toStrictEqual([
      { transport: "tls", port: 6379, reply: NOPERM },
      { transport: "plaintext", port: 6380, reply: "+PONG" },
    ]);
  });

  it("counts one door once when the PING already went over plaintext on the same port", () => {
    const plaintext = { port: 6379, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const [v] = run([target()], [healthy({ unauthenticated: { outcome: "accepted", transport: "plaintext", reply: "+PONG" }, plaintext })]);
    expect(v?.evidence.unauthenticated).toStrictEqual([{ transport: "plaintext", port: 6379, reply: "+PONG" }]);
  });

  it("counts the plaintext port as its own door when the plaintext PING went to another port", () => {
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const [v] = run(
      [target({ plaintextPort: 6380 })],
      [healthy({ unauthenticated: { outcome: "accepted", transport: "plaintext", reply: "+PONG" }, plaintext })],
    );
    expect(v?.evidence.unauthenticated).toStrictEqual([
      { transport: "plaintext", port: 6379, reply: "+PONG" },
      { transport: "plaintext", port: 6380, reply: "+PONG" },
    ]);
  });

  it("stays PASS on look-alikes: a plaintext port that answers -NOAUTH, or a reply that only contains PONG", () => {
    for (const reply of ["-NOAUTH Authentication required.", "-ERR unknown +PONG", " +PONG"]) {
      const plaintext = { port: 6380, outcome: "accepted", detail: "answered", reply } as const;
      expect(run([target({ plaintextPort: 6380 })], [healthy({ plaintext })]), reply).toStrictEqual([
        {
          checkId: ID,
          status: "PASS",
          resource: ENDPOINT,
          message: "jobs-redis (jobs.example.com:6379) refuses commands without credentials (-NOAUTH Authentication required.).",
          evidence: { ...base, transport: "tls", reply: "-NOAUTH Authentication required." },
        },
      ]);
    }
  });

  it("counts a plaintext PONG on the endpoint's own port as a door when the PING without credentials went over TLS", () => {
    const plaintext = { port: 6379, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    expect(run([target()], [healthy({ plaintext })])).toStrictEqual([
      failOpen("jobs-redis (jobs.example.com:6379) answers PING without credentials (+PONG): turn the default user off or require AUTH.", [
        { transport: "plaintext", port: 6379, reply: "+PONG" },
      ]),
    ]);
  });

  it("still fails on an open plaintext port when the TLS endpoint was unreachable", () => {
    const error = { source: "redis://jobs.example.com:6379", reason: "cannot connect: ETIMEDOUT", code: "ETIMEDOUT" };
    const plaintext = { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } as const;
    const [v, ...rest] = run(
      [target({ plaintextPort: 6380 })],
      [healthy({ error, unauthenticated: { outcome: "error", error }, plaintext })],
    );
    expect(rest).toEqual([]);
    expect(v?.status).toBe("FAIL");
    expect(v?.evidence.unauthenticated).toStrictEqual([{ transport: "plaintext", port: 6380, reply: "+PONG" }]);
  });

  it("gives ERROR with the endpoint's error when it was unreachable, even beside an old -NOAUTH", () => {
    const error = { source: "redis://jobs.example.com:6379", reason: "cannot connect: ECONNREFUSED", code: "ECONNREFUSED" };
    expect(run([target()], [healthy({ error })])).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: ENDPOINT,
        message: "Could not evaluate whether jobs-redis demands credentials: cannot connect: ECONNREFUSED (redis://jobs.example.com:6379).",
        evidence: error,
        cause: error,
      },
    ]);
  });

  it("gives ERROR, not PASS, when PING got no usable answer", () => {
    const cause = {
      source: "redis://jobs.example.com:6379 PING",
      reason: "jobs.example.com:6379 did not reply within 5s",
      code: "ETIMEDOUT",
    };
    expect(run([target()], [healthy({ unauthenticated: { outcome: "error", transport: "tls", error: cause } })])).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: ENDPOINT,
        message:
          "Could not evaluate whether jobs-redis demands credentials: jobs.example.com:6379 did not reply within 5s (redis://jobs.example.com:6379 PING).",
        evidence: cause,
        cause,
      },
    ]);
  });

  it("gives ERROR naming an unexpected reply, or none, when the probe brought no error", () => {
    const [odd] = run(
      [target()],
      [healthy({ unauthenticated: { outcome: "error", transport: "tls", reply: "-LOADING Redis is loading" } })],
    );
    const cause = {
      source: "redis://jobs.example.com:6379 PING",
      reason: "no usable reply to PING without credentials (-LOADING Redis is loading)",
      code: "UNEXPECTED",
    };
    expect(odd).toStrictEqual({
      checkId: ID,
      status: "ERROR",
      resource: ENDPOINT,
      message:
        "Could not evaluate whether jobs-redis demands credentials: no usable reply to PING without credentials (-LOADING Redis is loading) (redis://jobs.example.com:6379 PING).",
      evidence: cause,
      cause,
    });
    // An `accepted` without the reply that shows it is not a door: unknown, so ERROR.
    const [bare] = run([target()], [healthy({ unauthenticated: { outcome: "accepted", transport: "tls" } })]);
    expect(bare?.status).toBe("ERROR");
    expect(bare?.cause).toStrictEqual({
      source: "redis://jobs.example.com:6379 PING",
      reason: "no usable reply to PING without credentials",
      code: "UNEXPECTED",
    });
  });

  it("gives ERROR for a target the probe did not report", () => {
    expect(run([target()], [])).toStrictEqual([notProbedError(ID, "whether jobs-redis demands credentials")]);
  });

  it("is silent where the config says auth: optional, even on +PONG", () => {
    const open = healthy({ unauthenticated: { outcome: "accepted", transport: "tls", reply: "+PONG" } });
    expect(run([target({ auth: "optional" })], [open])).toEqual([]);
    expect(run([target({ auth: "optional" })], [])).toEqual([]);
  });

  it("names the configured endpoint in the message and the probed host and port in the evidence", () => {
    const t = target({ name: "other-redis", endpoint: { host: "other.example.com", port: 7000 } });
    const o = { ...healthy(), target: "other-redis", host: "10.0.1.5", port: 7000 };
    const [v] = run([t], [o]);
    expect(v?.message).toBe(
      "other-redis (other.example.com:7000) refuses commands without credentials (-NOAUTH Authentication required.).",
    );
    expect(v?.resource).toStrictEqual({ type: "Redis::Endpoint", id: "other-redis" });
    expect(v?.evidence).toStrictEqual({
      host: "10.0.1.5",
      port: 7000,
      tls: TLS_OK_EVIDENCE,
      transport: "tls",
      reply: "-NOAUTH Authentication required.",
    });
  });
});
