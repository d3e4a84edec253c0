/**
 * The import graph of the repository's own sources, read from the files (no compiler):
 * every `import … from`, `export … from` and `import(…)` specifier, resolved to a
 * repository path for relative ones.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface ImportEdge {
  /** Repository path of the importing file, `lib/audit/scope/rds.ts`. */
  from: string;
  /** Repository path of the imported file for a relative specifier, else the package name (`aws-cdk-lib`). */
  to: string;
  /** 1-based line of the import. */
  line: number;
  typeOnly: boolean;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s+(type\s+)?(?:[^"'`;]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;

export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const dir of dirs) walk(dir);
  return out.sort();
}

/** A bare specifier's package: `aws-cdk-lib/aws-iam` → `aws-cdk-lib`, `@aws-sdk/client-rds` → `@aws-sdk/client-rds`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

export function importsOf(root: string, file: string): ImportEdge[] {
  const text = readFileSync(path.join(root, file), "utf8");
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[2] ?? match[3];
    if (!specifier) continue;
    const line = text.slice(0, match.index).split("\n").length + (match[0].startsWith("\n") ? 1 : 0);
    const to = specifier.startsWith(".")
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, ".ts")
      : packageOf(specifier);
    edges.push({ from: file, to, line, typeOnly: match[1] !== undefined });
  }
  return edges;
}
