// For lib/db/schema.test.ts: a small parser for the subset of the Prisma schema language the app uses.
// Anything outside that subset makes it throw rather than be silently ignored, so a later schema change
// cannot slip past the check.

/** One attribute, e.g. `@map("x")` or `@@index([a, b], map: "y")`, with its arguments split but not interpreted. */
export interface Attr {
  name: string;
  positional: string[];
  named: Record<string, string>;
}

export interface Field {
  name: string;
  type: string;
  list: boolean;
  optional: boolean;
  attrs: Attr[];
}

export interface Model {
  name: string;
  fields: Field[];
  attrs: Attr[];
}

export interface Schema {
  provider: string | undefined;
  models: Model[];
}

/** Drops `//` (and `///`) comments, leaving any `//` inside a string literal alone. */
function stripComment(line: string): string {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\" && inString) i++;
    else if (line[i] === '"') inString = !inString;
    else if (!inString && line.startsWith("//", i)) return line.slice(0, i);
  }
  return line;
}

/** The index of the bracket closing the one at `open`, skipping nested brackets and string literals. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced brackets in: ${text}`);
}

/** Splits on commas that are not inside brackets or strings. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(" || c === "[") i = closingBracket(text, i);
    else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

export function parseAttributes(text: string): Attr[] {
  const attrs: Attr[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    const match = /^@@?[A-Za-z][\w.]*/.exec(text.slice(i));
    if (!match) throw new Error(`cannot read the attributes in: ${text}`);
    i += match[0].length;
    const attr: Attr = { name: match[0], positional: [], named: {} };
    if (text[i] === "(") {
      const close = closingBracket(text, i);
      for (const arg of splitTopLevel(text.slice(i + 1, close))) {
        const named = /^(\w+)\s*:\s*([\s\S]+)$/.exec(arg);
        if (named) attr.named[named[1]] = named[2].trim();
        else attr.positional.push(arg);
      }
      i = close + 1;
    }
    attrs.push(attr);
  }
  return attrs;
}

export function parseSchema(text: string): Schema {
  const schema: Schema = { provider: undefined, models: [] };
  const lines = text.split(/\r?\n/).map((line) => stripComment(line).trim());
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    const block = /^(\w+)\s+(\w+)\s*\{$/.exec(lines[i]);
    if (!block) throw new Error(`unexpected line outside a block: ${lines[i]}`);
    const [, kind, name] = block;
    const body: string[] = [];
    for (i++; lines[i] !== "}"; i++) {
      if (i >= lines.length) throw new Error(`block ${kind} ${name} is never closed`);
      if (lines[i] !== "") body.push(lines[i]);
    }
    if (kind === "generator") continue; // client-side only
    if (kind === "datasource") {
      const provider = body.map((line) => /^provider\s*=\s*"([^"]*)"$/.exec(line)).find(Boolean);
      schema.provider = provider?.[1];
      continue;
    }
    // enum, view and type blocks are not supported by Prisma on SQLite (or not used here): refuse them.
    if (kind !== "model") throw new Error(`this test does not understand "${kind}" blocks (${kind} ${name})`);
    const model: Model = { name, fields: [], attrs: [] };
    for (const line of body) {
      if (line.startsWith("@@")) {
        model.attrs.push(...parseAttributes(line));
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?(?:\s+([\s\S]*))?$/.exec(line);
      if (!field) throw new Error(`cannot read the field in model ${name}: ${line}`);
      model.fields.push({
        name: field[1],
        type: field[2],
        list: field[3] !== undefined,
        optional: field[4] !== undefined,
        attrs: parseAttributes(field[5] ?? ""),
      });
    }
    schema.models.push(model);
  }
  return schema;
}
