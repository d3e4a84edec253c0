import { describe, expect, it } from "vitest";
import {
  hasWildcard,
  hostRange,
  hostSpecificity,
  hostsOverlap,
  isAnyHost,
  likeMatch,
} from "../../../../lib/audit/checks/mysql/access/patterns.js";
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
    expect(accountSql({ user: "PUBLIC", host: "%" })).toBe("'PUBLIC'@'%'");
    expect(accountSql({ user: "", host: "localhost" })).toBe("''@'localhost'");
  });
});

describe("name patterns, edge by edge", () => {
  it("matches the whole name, any characters for %, one for _, case-sensitively unless asked", () => {
    expect(likeMatch("app", "app_production")).toBe(false);
    expect(likeMatch("app", "my_app")).toBe(false);
    expect(likeMatch("a%", "a\nb")).toBe(true);
    expect(likeMatch("a_b", "a\nb")).toBe(true);
    expect(likeMatch("a_b", "ab")).toBe(false);
    expect(likeMatch("%", "")).toBe(true);
    expect(likeMatch("WEB%", "web1", true)).toBe(true);
    // The same pattern compiled once for each case mode: neither answer leaks into the other.
    expect(likeMatch("WEB%", "web1")).toBe(false);
    expect(likeMatch("web%", "WEB1", true)).toBe(true);
    expect(likeMatch("web%", "WEB1")).toBe(false);
  });

  it("keeps the compiled patterns of the two case modes apart, whatever letter a pattern starts with", () => {
    expect(likeMatch("web%", "x", true)).toBe(false);
    expect(likeMatch("iweb%", "iwebx")).toBe(true);
    expect(likeMatch("web%", "x")).toBe(false);
    expect(likeMatch("cweb%", "CWEBX", true)).toBe(true);
  });

  it("reads a backslash as escaping the next character, and a trailing one as itself", () => {
    expect(likeMatch("a\\%", "a%")).toBe(true);
    expect(likeMatch("a\\%", "abc")).toBe(false);
    expect(likeMatch("a\\", "a\\")).toBe(true);
    expect(likeMatch("a\\.b", "a.b")).toBe(true);
    expect(likeMatch("a\\.b", "aXb")).toBe(false);
    expect(likeMatch("a(b)+", "a(b)+")).toBe(true);
  });

  it("tells a pattern with an unescaped wildcard from a literal name", () => {
    expect(hasWildcard("app_%")).toBe(true);
    expect(hasWildcard("app_x")).toBe(true);
    expect(hasWildcard("app\\_x")).toBe(false);
    expect(hasWildcard("app\\%")).toBe(false);
    expect(hasWildcard("app\\\\%")).toBe(true);
    expect(hasWildcard("app")).toBe(false);
  });
});

describe("host ranges, edge by edge", () => {
  const range = (first: string, last: string) => ({ first: ipNum(first), last: ipNum(last) });
  function ipNum(ip: string): number {
    return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  }

  it("gives every address for % and '' and one address for an address", () => {
    expect(hostRange("%")).toEqual({ first: 0, last: 0xffffffff });
    expect(hostRange("")).toEqual({ first: 0, last: 0xffffffff });
    expect(hostRange("10.20.1.5")).toEqual(range("10.20.1.5", "10.20.1.5"));
    expect(hostRange("200.1.2.3")).toEqual(range("200.1.2.3", "200.1.2.3"));
  });

  it("reads octet prefixes of one, two or three octets", () => {
    expect(hostRange("10.%")).toEqual(range("10.0.0.0", "10.255.255.255"));
    expect(hostRange("192.168.%")).toEqual(range("192.168.0.0", "192.168.255.255"));
    expect(hostRange("192.168.7.%")).toEqual(range("192.168.7.0", "192.168.7.255"));
    expect(hostRange("255.%")).toEqual(range("255.0.0.0", "255.255.255.255"));
    expect(hostRange("300.%")).toBeUndefined();
    expect(hostRange("10.%.1.%")).toBeUndefined();
    expect(hostRange("1.2.3.4.%")).toBeUndefined();
  });

  it("reads netmasks and prefix lengths, and refuses what is neither", () => {
    expect(hostRange("10.20.1.77/255.255.255.0")).toEqual(range("10.20.1.0", "10.20.1.255"));
    expect(hostRange("200.20.0.0/16")).toEqual(range("200.20.0.0", "200.20.255.255"));
    expect(hostRange("10.20.1.77/32")).toEqual(range("10.20.1.77", "10.20.1.77"));
    expect(hostRange("10.20.1.77/0")).toEqual({ first: 0, last: 0xffffffff });
    expect(hostRange("10.20.1.77/1")).toEqual(range("0.0.0.0", "127.255.255.255"));
    expect(hostRange("10.20.0.0/33")).toBeUndefined();
    expect(hostRange("10.20.0.0/255.255.0")).toBeUndefined();
    expect(hostRange("10.20.0/16")).toBeUndefined();
    expect(hostRange("10.20.0.256/16")).toBeUndefined();
    expect(hostRange("10.20.0.1x/16")).toBeUndefined();
    expect(hostRange("a10.20.0.0/16")).toBeUndefined();
    expect(hostRange("10.20.0.0/16x")).toBeUndefined();
  });

  it("refuses host names, malformed addresses and other patterns", () => {
    expect(hostRange("localhost")).toBeUndefined();
    expect(hostRange("10.20.1")).toBeUndefined();
    expect(hostRange("10.20.1.2.3")).toBeUndefined();
    expect(hostRange("10.20.1.256")).toBeUndefined();
    expect(hostRange("10.20.1.1000")).toBeUndefined();
    expect(hostRange("10.20.1.x")).toBeUndefined();
    expect(hostRange("10.20.1.%5")).toBeUndefined();
    expect(hostRange("x10.20.%")).toBeUndefined();
    expect(hostRange("10.2_.1.5")).toBeUndefined();
  });
});

describe("host overlap and specificity, edge by edge", () => {
  it("ranges that touch at one address overlap; neighbours do not", () => {
    expect(hostsOverlap("10.20.1.0/255.255.255.0", "10.20.1.255")).toBe(true);
    expect(hostsOverlap("10.20.1.255", "10.20.1.0/255.255.255.0")).toBe(true);
    expect(hostsOverlap("10.20.1.0/24", "10.20.2.0")).toBe(false);
    expect(hostsOverlap("10.20.2.0", "10.20.1.0/24")).toBe(false);
    expect(hostsOverlap("10.20.1.0", "10.20.1.0")).toBe(true);
  });

  it("'' and % overlap anything; names compare as text, case-insensitively, either way round", () => {
    expect(hostsOverlap("", "db.example.com")).toBe(true);
    expect(hostsOverlap("db.example.com", "")).toBe(true);
    expect(hostsOverlap("db.example.com", "%")).toBe(true);
    expect(hostsOverlap("DB.example.com", "db.EXAMPLE.com")).toBe(true);
    expect(hostsOverlap("web1.example.com", "%.EXAMPLE.com")).toBe(true);
    expect(hostsOverlap("%.example.com", "WEB1.example.com")).toBe(true);
    expect(hostsOverlap("10.20.%", "db.example.com")).toBe(false);
    expect(hostsOverlap("web_.example.com", "web1.example.org")).toBe(false);
  });

  it("ranks '' < % < wildcard patterns (longer literal part first) < netmasks < names and addresses", () => {
    expect(hostSpecificity("")).toBe(0);
    expect(hostSpecificity("%")).toBe(1);
    expect(hostSpecificity("10.%")).toBeCloseTo(2.003, 6);
    expect(hostSpecificity("%.example.com")).toBeCloseTo(2.012, 6);
    expect(hostSpecificity("web_.example.com")).toBeCloseTo(2.015, 6);
    expect(hostSpecificity("web_.ex%")).toBeCloseTo(2.006, 6);
    expect(hostSpecificity("10.20.0.0/255.255.0.0")).toBe(3);
    expect(hostSpecificity("localhost")).toBe(4);
    expect(hostSpecificity("10.20.1.5")).toBe(4);
  });

  it("any host: %, '', 0.0.0.0/0 and its netmask form; not a wide but partial range", () => {
    expect(isAnyHost("")).toBe(true);
    expect(isAnyHost("0.0.0.0/0")).toBe(true);
    expect(isAnyHost("0.0.0.0/1")).toBe(false);
    expect(isAnyHost("128.0.0.0/1")).toBe(false);
    expect(isAnyHost("localhost")).toBe(false);
  });
});
