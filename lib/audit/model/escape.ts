/**
 * Terminal- and mail-safe text. Names chosen by others (PostgreSQL roles, Redis users, tag
 * values, descriptions) may hold newlines, carriage returns or escape sequences that would
 * forge or erase lines in a table, an email or a log. Every text renderer passes such
 * values through here: C0 and C1 controls, DEL and the Unicode line/paragraph separators
 * and bidirectional overrides become visible escapes (`\n`, `\r`, `\t`, `\x1b`, `\u2028`),
 * and a backslash is doubled so an escape cannot be faked either.
 */

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };

// C0, DEL, C1, LINE/PARAGRAPH SEPARATOR, bidi embeddings/overrides/isolates, and the backslash.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g;

export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** True when `text` holds a character a terminal or mail reader would act on rather than show. */
export function hasRawControl(text: string, allowNewlines = true): boolean {
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (allowNewlines && c === "\n") continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return true;
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  }
  return false;
}
