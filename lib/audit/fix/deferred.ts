/**
 * A fix whose words are written when something first reads them: its text, its commands,
 * or its JSON. An estate's security-group checks give one FAIL per rule and source (42,000
 * of the bench estate's 52,000 fixes); building and keeping their strings through the
 * evaluation cost about an eighth of it (docs/performance.md), most of that in the collector
 * copying them. Written
 * at output time instead, they are built once and die young, and the report is the same
 * byte for byte (`test/audit/engine-output.test.ts` pins it).
 *
 * What decides whether a finding has a fix, and of which kind, is still decided when the
 * finding is made: only the writing waits. The builder must be pure (it reads the verdict
 * and values already fixed), so writing it later gives what writing it now would have.
 */
import type { Fix, FixKind } from "../findings/model.js";

/** What a deferred fix writes: its text and commands. */
export type FixWords = Pick<Fix, "text" | "commands">;

class DeferredFix<Args> implements Fix {
  readonly kind: FixKind;
  #write: (args: Args) => FixWords;
  #args: Args | undefined;
  #words: FixWords | undefined;

  constructor(kind: FixKind, write: (args: Args) => FixWords, args: Args) {
    this.kind = kind;
    this.#write = write;
    this.#args = args;
  }

  get text(): string {
    return this.#written().text;
  }

  get commands(): string[] {
    return this.#written().commands;
  }

  /** The fix as JSON (and `canonicalJson`) write it: the same keys, in the same order, as a built fix. */
  toJSON(): Fix {
    const { text, commands } = this.#written();
    return { kind: this.kind, text, commands };
  }

  #written(): FixWords {
    if (this.#words === undefined) {
      this.#words = this.#write(this.#args as Args);
      // The values are only needed to write the words: let them go once the words exist.
      this.#args = undefined;
    }
    return this.#words;
  }
}

/**
 * A fix of `kind` whose text and commands `write(args)` gives when first read. `write` is a
 * module-level function and `args` holds only the values it needs, taken now: a closure per
 * fix would keep a function and a context object alive for each of tens of thousands of
 * findings (about twice the memory, measured in docs/performance.md).
 */
export function deferredFix<Args>(kind: FixKind, write: (args: Args) => FixWords, args: Args): Fix {
  return new DeferredFix(kind, write, args);
}
