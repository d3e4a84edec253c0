/**
 * Redis glob patterns (the `stringmatchlen` rules ACL key patterns use): `*`, `?`,
 * `[…]` with `^` negation and `a-z` ranges, and `\` escapes. Decides exactly whether a
 * key matches a pattern and whether two patterns have any key in common: "can a user
 * with `~cache:*` touch `queue:*`?" is a question about the intersection of two
 * languages, which a string prefix test gets wrong (`~*:default` reaches `queue:default`).
 */

/** An inclusive range of UTF-16 code units. */
type Range = readonly [number, number];

type Token = { kind: "star" } | { kind: "one"; ranges: readonly Range[] };

const MAX_UNIT = 0xffff;
const ANY: readonly Range[] = [[0, MAX_UNIT]];

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_UNIT) out.push([next, MAX_UNIT]);
  return out;
}

/** Splits a pattern into tokens, following Redis's reading of `[`, `]`, `-`, `^` and `\`. */
export function parseGlob(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const unit = (k: number) => pattern.charCodeAt(k);
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
      i++;
    } else if (c === "?") {
      tokens.push({ kind: "one", ranges: ANY });
      i++;
    } else if (c === "[") {
      i++;
      const negate = pattern[i] === "^";
      if (negate) i++;
      const ranges: Range[] = [];
      // As in Redis, an unterminated class runs to the end of the pattern.
      while (i < pattern.length && pattern[i] !== "]") {
        if (pattern[i] === "\\" && i + 1 < pattern.length) {
          ranges.push([unit(i + 1), unit(i + 1)]);
          i += 2;
        } else if (pattern[i + 1] === "-" && i + 2 < pattern.length) {
          const a = unit(i);
          const b = unit(i + 2);
          ranges.push(a <= b ? [a, b] : [b, a]);
          i += 3;
        } else {
          ranges.push([unit(i), unit(i)]);
          i++;
        }
      }
      i++; // the closing ']'
      tokens.push({ kind: "one", ranges: negate ? complement(ranges) : ranges });
    } else if (c === "\\" && i + 1 < pattern.length) {
      tokens.push({ kind: "one", ranges: [[unit(i + 1), unit(i + 1)]] });
      i += 2;
    } else {
      tokens.push({ kind: "one", ranges: [[unit(i), unit(i)]] });
      i++;
    }
  }
  return tokens;
}

function rangesMeet(a: readonly Range[], b: readonly Range[]): boolean {
  return a.some(([alo, ahi]) => b.some(([blo, bhi]) => alo <= bhi && blo <= ahi));
}

/**
 * Whether some string matches both token lists: a search over pairs of positions, where a
 * `*` may match nothing (move past it) or one more unit of the other side (stay on it).
 */
function tokensIntersect(a: readonly Token[], b: readonly Token[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const ta = a[i];
    const tb = b[j];
    if (ta?.kind === "star") stack.push([i + 1, j]);
    if (tb?.kind === "star") stack.push([i, j + 1]);
    if (ta?.kind === "star" && tb?.kind === "one") stack.push([i, j + 1]);
    if (tb?.kind === "star" && ta?.kind === "one") stack.push([i + 1, j]);
    if (ta?.kind === "one" && tb?.kind === "one" && rangesMeet(ta.ranges, tb.ranges)) stack.push([i + 1, j + 1]);
  }
  return false;
}

function literal(text: string): Token[] {
  return Array.from({ length: text.length }, (_, k) => ({ kind: "one", ranges: [[text.charCodeAt(k), text.charCodeAt(k)]] }) as Token);
}

/** Whether `key` matches the Redis glob `pattern`. */
export function globMatches(pattern: string, key: string): boolean {
  return tokensIntersect(parseGlob(pattern), literal(key));
}

/** Whether at least one key matches both Redis globs. */
export function globsIntersect(a: string, b: string): boolean {
  return tokensIntersect(parseGlob(a), parseGlob(b));
}

/** Whether the pattern matches every key (`*`, `**`, …). */
export function matchesEverything(pattern: string): boolean {
  const tokens = parseGlob(pattern);
  return tokens.length === 1 && tokens[0]?.kind === "star";
}
