/**
 * MySQL's name patterns, pure. Database names in `mysql.db` and account hosts are patterns:
 * `%` any run of characters, `_` any one, `\_`/`\%` the literal character. IPv4 hosts may also
 * be `ADDR/NETMASK` (MySQL 8 also `ADDR/PREFIX`). Account host names compare case-insensitively.
 */

/** True when `name` matches the LIKE-style `pattern` (`%`, `_`, backslash escapes). */
export function likeMatch(pattern: string, name: string, caseInsensitive = false): boolean {
  const cacheKey = `${caseInsensitive ? "i" : "c"}${pattern}`;
  let compiled = compiledPatterns.get(cacheKey);
  if (!compiled) {
    compiled = compile(pattern, caseInsensitive);
    compiledPatterns.set(cacheKey, compiled);
  }
  return compiled.test(name);
}

const compiledPatterns = new Map<string, RegExp>();

function compile(pattern: string, caseInsensitive: boolean): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\" && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i] as string);
    } else if (c === "%") re += "[\\s\\S]*";
    else if (c === "_") re += "[\\s\\S]";
    else re += escapeRe(c);
  }
  return new RegExp(`${re}$`, caseInsensitive ? "i" : "");
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** True when the pattern holds an unescaped wildcard. */
export function hasWildcard(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "%" || pattern[i] === "_") return true;
  }
  return false;
}

/** An IPv4 range [first, last] as 32-bit numbers. */
interface Range {
  first: number;
  last: number;
}

const octets = (s: string): number[] | undefined => {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
};
const toNum = (o: number[]) =>
  ((((o[0] as number) << 24) >>> 0) + ((o[1] as number) << 16) + ((o[2] as number) << 8) + (o[3] as number)) >>> 0;

/**
 * The IPv4 addresses a host pattern admits, when it can be said as one range: `%` (all),
 * `10.20.%` / `10.20.1.%` (whole octets), `10.20.0.0/255.255.0.0`, `10.20.0.0/16`, or an
 * address. Undefined for host names and other patterns.
 */
export function hostRange(pattern: string): Range | undefined {
  if (pattern === "%" || pattern === "") return { first: 0, last: 0xffffffff };
  const mask = /^([\d.]+)\/([\d.]+)$/.exec(pattern);
  if (mask) {
    const addr = octets(mask[1] as string);
    const m = mask[2] as string;
    const maskNum = m.includes(".")
      ? octets(m)
        ? toNum(octets(m) as number[])
        : undefined
      : Number(m) <= 32
        ? Number(m) === 0
          ? 0
          : (0xffffffff << (32 - Number(m))) >>> 0
        : undefined;
    if (!addr || maskNum === undefined) return undefined;
    const first = (toNum(addr) & maskNum) >>> 0;
    return { first, last: (first | (~maskNum >>> 0)) >>> 0 };
  }
  const prefix = /^((?:\d{1,3}\.){1,3})%$/.exec(pattern);
  if (prefix) {
    const parts = (prefix[1] as string).slice(0, -1).split(".").map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    const full = [...parts, 0, 0, 0].slice(0, 4);
    const bits = parts.length * 8;
    const first = toNum(full);
    return { first, last: (first | (0xffffffff >>> bits)) >>> 0 };
  }
  const exact = octets(pattern);
  if (exact) {
    const n = toNum(exact);
    return { first: n, last: n };
  }
  return undefined;
}

/**
 * True when some client could match both host patterns: their address ranges intersect, or,
 * for host names and other patterns, one matches the other as text.
 */
export function hostsOverlap(a: string, b: string): boolean {
  if (a === "%" || b === "%" || a === "" || b === "") return true;
  const ra = hostRange(a);
  const rb = hostRange(b);
  if (ra && rb) return ra.first <= rb.last && rb.first <= ra.last;
  return a.toLowerCase() === b.toLowerCase() || likeMatch(a, b, true) || likeMatch(b, a, true);
}

/**
 * How specific a host pattern is, as the server sorts accounts (most specific first): literal
 * names and addresses, then netmasks, then patterns with wildcards, `%` and '' last.
 */
export function hostSpecificity(host: string): number {
  if (host === "") return 0;
  if (host === "%") return 1;
  if (hasWildcard(host)) return 2 + host.replace(/[%_]/g, "").length / 1000;
  if (host.includes("/")) return 3;
  return 4;
}

/** True when the host admits any client address: '%', '' (MySQL 8 stores it for roles) or all-wildcard forms. */
export function isAnyHost(host: string): boolean {
  if (host === "%" || host === "") return true;
  const r = hostRange(host);
  return r !== undefined && r.first === 0 && r.last === 0xffffffff;
}
