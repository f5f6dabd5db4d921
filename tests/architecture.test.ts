// The layout's rules, checked on the source: imports run one way (pages and handlers, then lib/orders,
// then the engine, then the database), the engine knows nothing of orders, better-sqlite3 stays inside
// lib/db, and lib/saga and lib/orders speak to the database through Prisma Client's model API only.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : files(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

interface Import {
  /** Where it resolves to: project-relative without an extension (lib/db/client), or the package's name as written. */
  target: string;
  /** True when it brings in types only, so nothing of the target is loaded at run time. */
  typeOnly: boolean;
}

/** A specifier resolved as the rules compare it: `@/lib/x` and `../x` project-relative, packages as they are. */
function resolve(file: string, source: string): string {
  let target = source;
  if (source.startsWith("@/")) target = source.slice(2);
  else if (source.startsWith(".")) target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), source));
  return target.replace(/\.(tsx?|jsx?|mjs|cjs)$/, "");
}

/**
 * Every module a file names, read with TypeScript's own parser so that no form of it escapes the rules:
 * `import ... from`, `import "..."` (side effects), `export ... from`, `import("...")`, `require("...")` and
 * `import x = require("...")`, in either quote. Type-only: `import type`, `export type`, an import or
 * re-export whose every name is marked `type` (elided: tsconfig.json has no verbatimModuleSyntax), and
 * `typeof import("...")` in a type. A dynamic import of anything but a string literal is `<computed>`.
 */
function imports(file: string, text = fs.readFileSync(path.join(root, file), "utf8")): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (specifier: ts.Node | undefined, typeOnly: boolean) => {
    if (!specifier) return;
    found.push({ target: ts.isStringLiteralLike(specifier) ? resolve(file, specifier.text) : "<computed>", typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNameIsType =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, Boolean(clause?.isTypeOnly) || everyNameIsType);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const everyNameIsType = clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || everyNameIsType);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      add(ts.isLiteralTypeNode(node.argument) ? node.argument.literal : node.argument, true);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * SQL in a string, or a call of Prisma's raw queries ($queryRaw, $executeRaw, their Unsafe and Typed
 * forms). `$` is not a word character, so no `\b` may stand before it: `\b$queryRaw` never matches.
 */
const rawSql = /\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)|\$(query|execute)Raw/i;

const code = (dir: string) => files(dir).filter((file) => !file.endsWith(".test.ts"));

// The rules below pass when they find nothing: these check that they would find something.
describe("what the checks can see", () => {
  it("reads every form of import, in either quote, and tells type-only ones apart", () => {
    const sample = [
      'import a from "@/lib/orders/a";',
      "import { b } from '../orders/b';",
      'import * as c from "./c.ts";',
      'import "@/lib/orders/side-effect";',
      "import type { D } from '@/lib/orders/d';",
      'import { type E, type F } from "@/lib/orders/e";',
      'import { type G, h } from "@/lib/orders/g";',
      'export { i } from "@/lib/orders/i";',
      "export * from '@/lib/orders/j';",
      'export type { K } from "@/lib/orders/k";',
      'const l = await import("@/lib/orders/l");',
      "const m = require('@/lib/orders/m');",
      'import n = require("@/lib/orders/n");',
      'type O = typeof import("@/lib/orders/o");',
      "const p = await import(`@/lib/orders/${name}`);",
      '// import q from "@/lib/orders/q"; (a comment names no module)',
      'const r = "import s from \'@/lib/orders/s\'"; // nor does a string',
    ].join("\n");
    expect(imports("lib/saga/sample.ts", sample)).toEqual([
      { target: "lib/orders/a", typeOnly: false },
      { target: "lib/orders/b", typeOnly: false },
      { target: "lib/saga/c", typeOnly: false },
      { target: "lib/orders/side-effect", typeOnly: false },
      { target: "lib/orders/d", typeOnly: true },
      { target: "lib/orders/e", typeOnly: true },
      { target: "lib/orders/g", typeOnly: false },
      { target: "lib/orders/i", typeOnly: false },
      { target: "lib/orders/j", typeOnly: false },
      { target: "lib/orders/k", typeOnly: true },
      { target: "lib/orders/l", typeOnly: false },
      { target: "lib/orders/m", typeOnly: false },
      { target: "lib/orders/n", typeOnly: false },
      { target: "lib/orders/o", typeOnly: true },
      { target: "<computed>", typeOnly: false },
    ]);
  });

  it("recognises raw SQL and Prisma's raw queries, and not the model API", () => {
    for (const raw of [
      "await tx.$queryRaw`SELECT 1`",
      "await tx.$executeRaw`VACUUM`",
      "await tx.$queryRawUnsafe(text)",
      "await tx.$executeRawUnsafe(text)",
      "await tx.$queryRawTyped(statement)",
      'const text = "select id from orders"',
      'const text = "insert into orders (id) values (1)"',
      'const text = "UPDATE orders SET status = 1"',
      'const text = "DELETE FROM orders"',
    ]) {
      expect(raw).toMatch(rawSql);
    }
    for (const model of ["await tx.order.updateMany({ where, data })", "await tx.order.deleteMany({ where })", "await tx.order.findMany({ select: { id: true } })"]) {
      expect(model).not.toMatch(rawSql);
    }
  });
});

describe("imports run one way", () => {
  it("the engine (lib/saga) imports nothing of orders, the API, the views, the client or the pages", () => {
    for (const file of files("lib/saga")) {
      for (const { target } of imports(file)) expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/(orders|api|view|client)|app|components)\//);
    }
  });

  it("lib/api (schemas, errors, streams) imports nothing of orders, the docs, the client or the pages", () => {
    for (const file of code("lib/api")) {
      for (const { target } of imports(file)) expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/(orders|docs|client)|app|components)\//);
    }
  });

  it("lib/orders and lib/view import nothing of the pages, the components or the browser's client", () => {
    for (const file of [...code("lib/orders"), ...code("lib/view")]) {
      for (const { target } of imports(file)) expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/client|app|components)\//);
    }
  });

  it("browser code takes from the engine only its vocabulary (statuses, run options) and types", () => {
    for (const file of [...files("components"), ...code("lib/client"), ...code("lib/view")]) {
      for (const { target, typeOnly } of imports(file)) {
        if (!target.startsWith("lib/saga/") || typeOnly) continue;
        expect(target, `${file} imports ${target}`).toMatch(/^lib\/saga\/(status|options)$/);
      }
    }
  });

  it("nothing under app/ imports Prisma or a database connection", () => {
    for (const file of files("app")) {
      for (const { target } of imports(file)) expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/db\/(client|sqlite|postgres)$|lib\/generated|@prisma|better-sqlite3)/);
    }
  });
});

describe("every import can be checked", () => {
  it("names its module with a string, so that the rules above can see where it leads", () => {
    for (const file of [...files("lib"), ...files("app"), ...files("components")]) {
      for (const { target } of imports(file)) expect(target, `${file} imports a module whose name is computed`).not.toBe("<computed>");
    }
  });
});

describe("one data layer", () => {
  it("imports better-sqlite3 only inside lib/db", () => {
    for (const file of [...files("lib"), ...files("app"), ...files("components")].filter((f) => !f.startsWith("lib/db/"))) {
      expect(imports(file).map((i) => i.target), file).not.toContain("better-sqlite3");
    }
  });

  it("lib/db has no import circle: the providers' files know the types, never the singleton that picks one", () => {
    const within = (file: string) => imports(file).map((i) => i.target).filter((target) => target.startsWith("lib/db/"));
    const circles: string[] = [];
    const visit = (module: string, chain: string[]) => {
      if (chain.includes(module)) return circles.push([...chain.slice(chain.indexOf(module)), module].join(" -> "));
      const file = [`${module}.ts`, `${module}.tsx`].find((candidate) => fs.existsSync(path.join(root, candidate)));
      if (file) for (const target of within(file)) visit(target, [...chain, module]);
    };
    for (const file of code("lib/db")) visit(file.replace(/\.tsx?$/, ""), []);
    expect(circles).toEqual([]);
  });

  it("has no SQL strings in lib/saga or lib/orders: only Prisma Client's model API", () => {
    for (const file of [...files("lib/saga"), ...files("lib/orders")]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect(text.match(rawSql)?.[0], `${file} holds raw SQL`).toBeUndefined();
    }
  });
});
