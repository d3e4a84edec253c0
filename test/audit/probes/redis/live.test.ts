/**
 * The Redis probe and the redis-* checks against real redis-server processes: each
 * configuration an attacker or an auditor may meet, judged end to end (probe, then the
 * checks' evaluate).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisChecks } from "../../../../lib/audit/checks/redis/index.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import { type ConfigInput, configSchema } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probeRedis } from "../../../../lib/audit/probes/redis/index.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import type { Scope } from "../../../../lib/audit/scope/index.js";
import { freePort, makeTlsFiles, type RedisServer, removeDir, startRedis, type TlsFiles, tempDir } from "../../../support/redis.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

const secret = () => randomBytes(12).toString("hex");
const AUDITOR_PW = secret();
const REQUIREPASS = secret();
const BLIND_PW = secret();
const WRONG_PW = secret();
const ALL_SECRETS = [AUDITOR_PW, REQUIREPASS, BLIND_PW, WRONG_PW];
const env = { QA_AUDITOR_PW: AUDITOR_PW, QA_REQUIREPASS: REQUIREPASS, QA_BLIND_PW: BLIND_PW, QA_WRONG_PW: WRONG_PW };

// The least-privilege audit user of docs/redis.md.
const AUDITOR = `user auditor on >${AUDITOR_PW} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`;

interface Audit {
  observations: RedisObservation[];
  results: CheckResult[];
}

async function audit(targets: TargetInput[]): Promise<Audit> {
  const config = configSchema.parse({ version: 1, redis: targets });
  const observations = await probeRedis(config.redis, { credentials: { env } });
  const ctx: AuditContext = {
    config,
    inventory: { partitions: [] },
    scope: { backends: [], securityGroups: [], gaps: [] } as Scope,
    observations: { postgres: [], redis: observations },
    now: new Date(),
  };
  const results = redisChecks.flatMap((c) => c.evaluate(ctx));
  const everything = JSON.stringify({ observations, results });
  for (const s of ALL_SECRETS) expect(everything).not.toContain(s);
  return { observations, results };
}

function verdict(a: Audit, checkId: string, target: string): CheckResult {
  const found = a.results.filter((r) => r.checkId === checkId && r.resource.id === target);
  expect(found, `${checkId} on ${target}`).toHaveLength(1);
  return found[0] as CheckResult;
}

function noVerdict(a: Audit, checkId: string, target: string): void {
  expect(a.results.filter((r) => r.checkId === checkId && r.resource.id === target)).toEqual([]);
}

function observation(a: Audit, target: string): RedisObservation {
  const o = a.observations.find((x) => x.target === target);
  if (!o) throw new Error(`no observation for ${target}`);
  return o;
}

const local = (port: number | undefined) => ({ host: "127.0.0.1", port: port as number });

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server") ?? commandUnavailable("openssl")))(
  "Redis probe against live servers",
  () => {
    const dir = tempDir("redis");
    const servers: RedisServer[] = [];
    let ca: TlsFiles;
    let open: RedisServer;
    let requirepass: RedisServer;
    let defaultOff: RedisServer;
    let defaultOpen: RedisServer;
    let defaultNoPing: RedisServer;
    let tlsOnly: RedisServer;
    let tlsAndPlain: RedisServer;

    beforeAll(async () => {
      ca = makeTlsFiles(dir, "trusted");
      const start = async (name: string, options: Parameters<typeof startRedis>[2]) => {
        const s = await startRedis(dir, name, options);
        servers.push(s);
        return s;
      };
      [open, requirepass, defaultOff, defaultOpen, defaultNoPing, tlsOnly, tlsAndPlain] = await Promise.all([
        start("open", {}),
        start("requirepass", { conf: [`requirepass ${REQUIREPASS}`] }),
        start("default-off", { conf: ["user default off", AUDITOR, `user blind on >${BLIND_PW} +ping`] }),
        start("default-open", { conf: ["user default on nopass ~* &* +@all", AUDITOR] }),
        start("default-no-ping", { conf: ["user default on nopass ~* -@all +get", AUDITOR] }),
        start("tls-only", { plaintext: false, tls: ca, conf: ["user default off", AUDITOR] }),
        start("tls-and-plain", { tls: ca, conf: ["user default off", AUDITOR] }),
      ]);
    });

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      removeDir(dir);
    });

    describe("a server without authentication", () => {
      it("fails redis-unauthenticated and, where TLS is required, redis-plaintext", async () => {
        const a = await audit([
          { name: "open-required", endpoint: local(open.port), tls: "required", timeoutSeconds: 1 },
          { name: "open-optional", endpoint: local(open.port), tls: "optional", timeoutSeconds: 1 },
        ]);

        const unauth = verdict(a, "redis-unauthenticated", "open-required");
        expect(unauth.status).toBe("FAIL");
        expect(unauth.message).toContain("+PONG");
        expect(unauth.resource).toEqual({ type: "Redis::Endpoint", id: "open-required" });
        expect(observation(a, "open-required").tls.spoken).toBe(false);

        const plain = verdict(a, "redis-plaintext", "open-required");
        expect(plain.status).toBe("FAIL");
        expect(plain.evidence.plaintext).toMatchObject({ port: open.port, outcome: "accepted", reply: "+PONG" });

        expect(verdict(a, "redis-unauthenticated", "open-optional").status).toBe("FAIL");
        noVerdict(a, "redis-plaintext", "open-optional");
        noVerdict(a, "redis-default-user-open", "open-required");
      });

      it("reports nothing for a target whose config accepts unauthenticated plaintext access", async () => {
        const a = await audit([
          { name: "open-accepted", endpoint: local(open.port), tls: "optional", auth: "optional", timeoutSeconds: 1 },
        ]);
        expect(a.results).toEqual([]);
        expect(observation(a, "open-accepted").unauthenticated.outcome).toBe("accepted");
      });
    });

    describe("a server with requirepass", () => {
      it("passes redis-unauthenticated and redis-default-user-open when AUTH as default works", async () => {
        const a = await audit([
          {
            name: "requirepass",
            endpoint: local(requirepass.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { password: { env: "QA_REQUIREPASS" } },
          },
        ]);
        const unauth = verdict(a, "redis-unauthenticated", "requirepass");
        expect(unauth.status).toBe("PASS");
        expect(unauth.evidence.reply).toMatch(/^-NOAUTH/);

        const dflt = verdict(a, "redis-default-user-open", "requirepass");
        expect(dflt.status).toBe("PASS");
        expect(dflt.evidence.defaultUser).toMatchObject({ on: true, nopass: false });
        // The password hash is never evidence.
        expect((dflt.evidence.defaultUser as { raw: string }).raw).toContain("#<redacted>");
        expect((dflt.evidence.defaultUser as { raw: string }).raw).not.toMatch(/#[0-9a-f]{64}/);
      });

      it("gives ERROR, not PASS, when the credentials are refused or missing, and leaks neither", async () => {
        const a = await audit([
          {
            name: "wrong-pw",
            endpoint: local(requirepass.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { password: { env: "QA_WRONG_PW" } },
          },
          {
            name: "no-pw",
            endpoint: local(requirepass.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { password: { env: "QA_NOT_SET" } },
          },
        ]);
        const refused = verdict(a, "redis-default-user-open", "wrong-pw");
        expect(refused.status).toBe("ERROR");
        expect(refused.cause).toMatchObject({ code: "AuthFailed" });
        expect(refused.cause?.reason).toMatch(/WRONGPASS/);

        const missing = verdict(a, "redis-default-user-open", "no-pw");
        expect(missing.status).toBe("ERROR");
        expect(missing.cause).toEqual({
          source: "env:QA_NOT_SET",
          reason: "environment variable QA_NOT_SET is not set",
          code: "MissingEnv",
        });
        // The unauthenticated verdict does not depend on credentials.
        expect(verdict(a, "redis-unauthenticated", "no-pw").status).toBe("PASS");
      });
    });

    describe("ACL users", () => {
      it("passes when the default user is off, read by a named auditor", async () => {
        const a = await audit([
          {
            name: "default-off",
            endpoint: local(defaultOff.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        expect(verdict(a, "redis-unauthenticated", "default-off").status).toBe("PASS");
        const dflt = verdict(a, "redis-default-user-open", "default-off");
        expect(dflt.status).toBe("PASS");
        expect(dflt.message).toContain("off");
        expect(dflt.evidence).toMatchObject({
          command: "ACL GETUSER default",
          auditUser: "auditor",
          defaultUser: { on: false, nopass: false },
        });
      });

      it("records an auditor that may not read ACLs as forbidden, and the check as ERROR rather than PASS", async () => {
        const a = await audit([
          {
            name: "blind",
            endpoint: local(defaultOff.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { username: "blind", password: { env: "QA_BLIND_PW" } },
          },
        ]);
        const acl = observation(a, "blind").acl;
        expect(acl?.outcome).toBe("forbidden");
        expect(acl?.reply).toMatch(/NOPERM/);
        expect(acl?.error).toBeUndefined();
        const dflt = verdict(a, "redis-default-user-open", "blind");
        expect(dflt.status).toBe("ERROR");
        expect(dflt.cause?.code).toBe("Forbidden");
      });

      it("fails both checks when the default user is on with nopass", async () => {
        const a = await audit([
          {
            name: "default-open",
            endpoint: local(defaultOpen.port),
            tls: "optional",
            timeoutSeconds: 1,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        expect(verdict(a, "redis-unauthenticated", "default-open").status).toBe("FAIL");
        const dflt = verdict(a, "redis-default-user-open", "default-open");
        expect(dflt.status).toBe("FAIL");
        expect(dflt.subject).toBe("default");
        expect(dflt.evidence.defaultUser).toMatchObject({ on: true, nopass: true, raw: expect.stringContaining("+@all") });
      });

      it("fails redis-unauthenticated when the default user lets strangers in but may not PING", async () => {
        const a = await audit([{ name: "no-ping", endpoint: local(defaultNoPing.port), tls: "optional", timeoutSeconds: 1 }]);
        expect(observation(a, "no-ping").unauthenticated.outcome).toBe("noperm");
        const unauth = verdict(a, "redis-unauthenticated", "no-ping");
        expect(unauth.status).toBe("FAIL");
        expect(unauth.message).toContain("logs connections without credentials in as `default`");
      });
    });

    describe("TLS only", () => {
      it("passes redis-plaintext, records the protocol and a verified certificate, and reads the ACL over TLS", async () => {
        const a = await audit([
          {
            name: "tls-only",
            endpoint: local(tlsOnly.tlsPort),
            tls: "required",
            caFile: ca.caCert,
            timeoutSeconds: 2,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        const o = observation(a, "tls-only");
        expect(o.tls).toMatchObject({ spoken: true, verified: true, protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
        expect(o.unauthenticated).toMatchObject({ outcome: "noauth", transport: "tls" });

        const plain = verdict(a, "redis-plaintext", "tls-only");
        expect(plain.status).toBe("PASS");
        expect(plain.evidence.plaintext).toMatchObject({ port: tlsOnly.tlsPort, outcome: "rejected" });
        expect(verdict(a, "redis-unauthenticated", "tls-only").status).toBe("PASS");
        expect(verdict(a, "redis-default-user-open", "tls-only")).toMatchObject({
          status: "PASS",
          evidence: { defaultUser: { on: false } },
        });
      });

      it("shows an unverified certificate and withholds credentials from it", async () => {
        const a = await audit([
          {
            name: "tls-untrusted",
            endpoint: { host: "localhost", port: tlsOnly.tlsPort as number },
            tls: "required",
            timeoutSeconds: 2,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        const o = observation(a, "tls-untrusted");
        expect(o.tls).toMatchObject({ spoken: true, verified: false, verifyError: "SELF_SIGNED_CERT_IN_CHAIN", trust: "system" });
        const plain = verdict(a, "redis-plaintext", "tls-untrusted");
        expect(plain.status).toBe("PASS");
        expect(plain.message).toContain("did NOT verify");
        expect(plain.evidence.tls).toMatchObject({ verified: false, verifyError: "SELF_SIGNED_CERT_IN_CHAIN" });
        const dflt = verdict(a, "redis-default-user-open", "tls-untrusted");
        expect(dflt.status).toBe("ERROR");
        expect(dflt.cause).toMatchObject({ code: "CredentialsWithheld", reason: expect.stringContaining("set caFile") });
      });
    });

    describe("TLS plus a plaintext port", () => {
      it("fails redis-plaintext on the plaintext port and passes on the TLS port alone", async () => {
        const a = await audit([
          {
            name: "both-ports",
            endpoint: local(tlsAndPlain.tlsPort),
            plaintextPort: tlsAndPlain.port,
            tls: "required",
            caFile: ca.caCert,
            timeoutSeconds: 2,
          },
          { name: "tls-port-only", endpoint: local(tlsAndPlain.tlsPort), tls: "required", caFile: ca.caCert, timeoutSeconds: 2 },
        ]);
        const plain = verdict(a, "redis-plaintext", "both-ports");
        expect(plain.status).toBe("FAIL");
        expect(plain.message).toContain(`127.0.0.1:${tlsAndPlain.port}`);
        expect(plain.evidence.plaintext).toMatchObject({ outcome: "accepted", reply: expect.stringMatching(/^-NOAUTH/) });
        expect(verdict(a, "redis-unauthenticated", "both-ports").status).toBe("PASS");

        expect(verdict(a, "redis-plaintext", "tls-port-only").status).toBe("PASS");
      });
    });

    describe("an unreachable endpoint", () => {
      it("gives ERROR on every check, naming host, port and failure", async () => {
        const closed = await freePort();
        const a = await audit([
          {
            name: "closed",
            endpoint: local(closed),
            tls: "required",
            timeoutSeconds: 1,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        for (const id of ["redis-unauthenticated", "redis-plaintext", "redis-default-user-open"]) {
          const v = verdict(a, id, "closed");
          expect(v.status).toBe("ERROR");
          expect(v.cause).toMatchObject({ source: `redis://127.0.0.1:${closed}`, code: "ECONNREFUSED" });
          expect(v.message).toContain(`127.0.0.1:${closed}`);
          expect(v.message).toContain("ECONNREFUSED");
        }
      });
    });
  },
);

/** A stand-in server that records every byte a client sends; it answers each line with NOAUTH. */
function recordingServer(secure?: {
  cert: string;
  key: string;
}): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  let received = "";
  const onConnection = (socket: net.Socket) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      socket.write("-NOAUTH Authentication required.\r\n");
    });
    socket.on("error", () => {});
  };
  const server = secure
    ? tls.createServer({ cert: readFileSync(secure.cert), key: readFileSync(secure.key) }, onConnection)
    : net.createServer(onConnection);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, received: () => received, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

describe.skipIf(skipWithout("openssl", commandUnavailable("openssl")))(
  "credentials never reach an untrusted peer when TLS is required",
  () => {
    const dir = tempDir("redis-mitm");
    afterAll(() => removeDir(dir));

    it("does not send AUTH to a TLS peer whose certificate does not verify", async () => {
      const trusted = makeTlsFiles(dir, "trusted");
      const attacker = makeTlsFiles(dir, "attacker");
      const peer = await recordingServer(attacker);
      try {
        const a = await audit([
          {
            name: "mitm",
            endpoint: local(peer.port),
            tls: "required",
            caFile: trusted.caCert,
            timeoutSeconds: 1,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        expect(observation(a, "mitm").tls).toMatchObject({ spoken: true, verified: false });
        expect(peer.received()).toContain("PING");
        expect(peer.received()).not.toContain("AUTH");
        expect(peer.received()).not.toContain(AUDITOR_PW);
        expect(verdict(a, "redis-default-user-open", "mitm").cause?.code).toBe("CredentialsWithheld");
      } finally {
        await peer.close();
      }
    });

    it("does not send AUTH over plaintext to an endpoint that does not speak TLS", async () => {
      const peer = await recordingServer();
      try {
        const a = await audit([
          {
            name: "plain-peer",
            endpoint: local(peer.port),
            tls: "required",
            timeoutSeconds: 1,
            credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
          },
        ]);
        expect(verdict(a, "redis-plaintext", "plain-peer").status).toBe("FAIL");
        expect(peer.received()).toContain("PING");
        expect(peer.received()).not.toContain("AUTH");
        expect(peer.received()).not.toContain(AUDITOR_PW);
        expect(verdict(a, "redis-default-user-open", "plain-peer").cause).toMatchObject({
          code: "CredentialsWithheld",
          reason: expect.stringContaining("does not speak TLS"),
        });
      } finally {
        await peer.close();
      }
    });
  },
);
