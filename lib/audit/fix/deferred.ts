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

type FixWords = Pick<Fix, "text" | "commands">;

class DeferredFix implements Fix {
  readonly kind: FixKind;
  #write: (() => FixWords) | undefined;
  #words: FixWords | undefined;

  constructor(kind: FixKind, write: () => FixWords) {
    this.kind = kind;
    this.#write = write;
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
      this.#words = (this.#write as () => FixWords)();
      // The closure holds the verdict's values: let them go once the words exist.
      this.#write = undefined;
    }
    return this.#words;
  }
}

/** A fix of `kind` whose text and commands `write` gives when first read. */
export function deferredFix(kind: FixKind, write: () => FixWords): Fix {
  return new DeferredFix(kind, write);
}
