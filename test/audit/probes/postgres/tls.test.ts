import { describe, expect, it } from "vitest";
import { CA_BUNDLE_ENV, DEFAULT_CA_BUNDLE_PATH, resolveCa, TlsConfigError } from "../../../../lib/audit/probes/postgres/tls.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("CA bundle for verify-full", () => {
  it("prefers the target's caFile, then the environment variable, then the documented path", () => {
    const files: Record<string, string> = { "/a.pem": PEM, "/b.pem": PEM, [DEFAULT_CA_BUNDLE_PATH]: PEM };
    const deps = { readFile: (p: string) => files[p] ?? "", exists: (p: string) => p in files };
    expect(resolveCa({ caFile: "/a.pem" }, { ...deps, env: { [CA_BUNDLE_ENV]: "/b.pem" } }).from).toBe("/a.pem");
    expect(resolveCa({}, { ...deps, env: { [CA_BUNDLE_ENV]: "/b.pem" } }).from).toBe("/b.pem");
    expect(resolveCa({}, { ...deps, env: {} }).from).toBe(DEFAULT_CA_BUNDLE_PATH);
  });

  it("falls back to Node's trust store, never to no verification, when no bundle is present", () => {
    expect(resolveCa({}, { env: {}, exists: () => false }).from).toBe("node trust store");
  });

  it("refuses a named bundle that is missing or holds no certificate", () => {
    expect(() =>
      resolveCa(
        { caFile: "/missing.pem" },
        {
          env: {},
          readFile: () => {
            throw new Error("ENOENT");
          },
        },
      ),
    ).toThrow(TlsConfigError);
    expect(() => resolveCa({ caFile: "/empty.pem" }, { env: {}, readFile: () => "nothing" })).toThrow(/no PEM certificate/);
  });
});
