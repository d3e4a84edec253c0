import { describe, expect, it } from "vitest";
import { hostRange, hostSpecificity, hostsOverlap, isAnyHost, likeMatch } from "../../../../lib/audit/checks/mysql/access/patterns.js";
import { accountSql, ident, literal } from "../../../../lib/audit/checks/mysql/sql.js";

describe("database name patterns (mysql.db.Db)", () => {
  it("treats % and _ as wildcards and \\_ as a literal underscore", () => {
    expect(likeMatch("app_%", "app_production")).toBe(true);
    expect(likeMatch("ap_", "app")).toBe(true);
    expect(likeMatch("app\\_%", "appXproduction")).toBe(false);
    expect(likeMatch("app\\_%", "app_production")).toBe(true);
    expect(likeMatch("App", "app")).toBe(false);
    expect(likeMatch("a.b", "aXb")).toBe(false);
  });
});

describe("host patterns", () => {
  it("turns octet wildcards, netmasks and prefixes into ranges", () => {
    expect(hostRange("10.20.%")).toEqual(hostRange("10.20.0.0/255.255.0.0"));
    expect(hostRange("10.20.0.0/16")).toEqual(hostRange("10.20.%"));
    expect(hostsOverlap("10.20.%", "10.20.1.5")).toBe(true);
    expect(hostsOverlap("10.20.%", "10.30.%")).toBe(false);
    expect(hostsOverlap("10.20.1.0/255.255.255.0", "10.20.%")).toBe(true);
    expect(hostsOverlap("%", "db.example.com")).toBe(true);
    expect(hostsOverlap("%.example.com", "web1.example.com")).toBe(true);
    expect(hostsOverlap("web1.example.com", "web2.example.com")).toBe(false);
  });
  it("orders specificity as the server sorts accounts", () => {
    expect(hostSpecificity("localhost")).toBeGreaterThan(hostSpecificity("10.20.%"));
    expect(hostSpecificity("10.20.1.%")).toBeGreaterThan(hostSpecificity("10.20.%"));
    expect(hostSpecificity("10.20.%")).toBeGreaterThan(hostSpecificity("%"));
    expect(isAnyHost("%")).toBe(true);
    expect(isAnyHost("0.0.0.0/0.0.0.0")).toBe(true);
    expect(isAnyHost("10.%")).toBe(false);
  });
});

describe("SQL quoting by MySQL's rules", () => {
  it("quotes accounts as string literals and names as backtick identifiers", () => {
    expect(literal("o'brien")).toBe("'o''brien'");
    expect(literal("a\\b")).toBe("'a\\\\b'");
    expect(ident("we`ird")).toBe("`we``ird`");
    expect(accountSql({ user: "x'; DROP USER root; --", host: "%" })).toBe("'x''; DROP USER root; --'@'%'");
    expect(accountSql({ user: "queue_rw", host: "" })).toBe("'queue_rw'");
    expect(accountSql({ user: "PUBLIC", host: "" })).toBe("PUBLIC");
  });
});
