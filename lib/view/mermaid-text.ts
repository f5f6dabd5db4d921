/**
 * Text inside Mermaid source. Every label the diagrams show passes through `escapeText`, so no name,
 * error or order field can end a label, start a statement (`click`, `%%{init}%%`, `end`), or carry
 * markup: anything outside a small safe set becomes a Mermaid entity code (`#quot;`, `#60;`).
 *
 * Mermaid turns entity codes into placeholders before it parses (so `#` and `;` never reach a
 * lexer) and back into HTML entities (`&quot;`, `&#60;`) in the finished SVG, where they are text.
 */

// Letters, digits and punctuation that mean nothing to any Mermaid grammar used here.
const SAFE = /^[A-Za-z0-9 _.,()/+=-]$/;
const NAMED: Record<string, string> = { '"': "quot", "<": "lt", ">": "gt", "&": "amp" };

export function escapeText(text: string): string {
  let out = "";
  // Whitespace runs (newlines above all) would end a statement: they become one space.
  const chars = [...text.replace(/\s+/g, " ")];
  chars.forEach((char, i) => {
    // A colon stays readable ("Step 1: ...") when a space follows it: Mermaid's pre-parse rewrite of
    // "style...:<non-space>#...;" lines could otherwise cut the last entity of the line in half.
    if (SAFE.test(char) || (char === ":" && chars[i + 1] === " ")) out += char;
    else out += `#${NAMED[char] ?? char.codePointAt(0)};`;
  });
  return out;
}

/** A quoted flowchart label of one or more lines (`<br/>` is the only markup, and it is ours). */
export function label(...lines: (string | null | undefined | false)[]): string {
  return `"${lines
    .filter((line): line is string => typeof line === "string" && line.length > 0)
    .map(escapeText)
    .join("<br/>")}"`;
}
