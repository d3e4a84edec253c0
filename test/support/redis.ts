/**
 * Real `redis-server` processes for tests: each on free ports, in its own temporary
 * directory, with nothing persisted; plus a throwaway CA and server certificate made by
 * `openssl`. Callers stop every server and remove every directory in afterAll.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { waitReady } from "../../lib/demo/redis.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `queue-auditor-${prefix}-`));
}

export interface TlsFiles {
  caCert: string;
  cert: string;
  key: string;
}

/** A CA and a server certificate for localhost / 127.0.0.1 signed by it, under `dir`. */
export function makeTlsFiles(dir: string, name = "test"): TlsFiles {
  const f = (n: string) => path.join(dir, `${name}-${n}`);
  const ossl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("ca.key"));
  ossl("req", "-x509", "-new", "-key", f("ca.key"), "-subj", `/CN=${name} test CA`, "-days", "2", "-out", f("ca.crt"));
  ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("server.key"));
  ossl("req", "-new", "-key", f("server.key"), "-subj", "/CN=localhost", "-out", f("server.csr"));
  writeFileSync(f("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
  ossl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    f("ext.cnf"),
    "-out",
    f("server.crt"),
  );
  return { caCert: f("ca.crt"), cert: f("server.crt"), key: f("server.key") };
}

export interface RedisServerOptions {
  /** Listen in plaintext (a free port is picked). @default true */
  plaintext?: boolean;
  /** Listen with TLS on a second free port, with these files (clients are not asked for certificates). */
  tls?: TlsFiles;
  /** Extra redis.conf lines: `requirepass …`, `user …`. */
  conf?: string[];
}

export interface RedisServer {
  /** The plaintext port, when there is one. */
  port: number | undefined;
  tlsPort: number | undefined;
  stop(): Promise<void>;
}

function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill("SIGKILL"), 5000);
    proc.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}

/** Starts a redis-server; retries with new ports if one was taken in the meantime. */
export async function startRedis(dir: string, name: string, options: RedisServerOptions = {}): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.plaintext === false ? undefined : await freePort();
    const tlsPort = options.tls ? await freePort() : undefined;
    const lines = [
      "bind 127.0.0.1",
      `port ${port ?? 0}`,
      ...(options.tls && tlsPort
        ? [
            `tls-port ${tlsPort}`,
            `tls-cert-file ${options.tls.cert}`,
            `tls-key-file ${options.tls.key}`,
            `tls-ca-cert-file ${options.tls.caCert}`,
            "tls-auth-clients no",
          ]
        : []),
      'save ""',
      "appendonly no",
      `dir ${dir}`,
      `pidfile ${path.join(dir, `${name}.pid`)}`,
      "daemonize no",
      'logfile ""',
      ...(options.conf ?? []),
    ];
    const confFile = path.join(dir, `${name}.conf`);
    writeFileSync(confFile, `${lines.join("\n")}\n`);
    const proc = spawn("redis-server", [confFile], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      await waitReady(proc, 10_000);
      return { port, tlsPort, stop: () => stopProcess(proc) };
    } catch (err) {
      lastError = err;
      await stopProcess(proc);
    }
  }
  throw lastError;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
