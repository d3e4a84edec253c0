/**
 * The service skip rule of DEVELOPERS.md: a test that needs a missing server skips with
 * a clear reason, except under REQUIRE_SERVICES=1 (CI), where the skip is a failure.
 */
import { execFileSync } from "node:child_process";
import net from "node:net";

export function requireServices(): boolean {
  return process.env.REQUIRE_SERVICES === "1";
}

/**
 * Returns true when tests for `service` must be skipped (the reason is printed), and
 * throws when services are required. `unavailableBecause` is undefined when it is there.
 */
export function skipWithout(service: string, unavailableBecause: string | undefined): boolean {
  if (unavailableBecause === undefined) return false;
  if (requireServices()) {
    throw new Error(`${service} is required (REQUIRE_SERVICES=1) but unavailable: ${unavailableBecause}`);
  }
  console.warn(`[skip] ${service} tests skipped: ${unavailableBecause}`);
  return true;
}

/** Why a TCP port does not accept connections, or undefined when it does. */
export function tcpUnavailable(host: string, port: number, timeoutMs = 1500): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (why: string | undefined) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`nothing answers on ${host}:${port} (timeout)`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (err: NodeJS.ErrnoException) => done(`nothing answers on ${host}:${port} (${err.code ?? err.message})`));
  });
}

/** Why an executable is not on the PATH, or undefined when it is. */
export function commandUnavailable(command: string): string | undefined {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return undefined;
  } catch {
    return `${command} is not on the PATH`;
  }
}
