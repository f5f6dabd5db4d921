// The layout's rules, checked on the source: imports run one way, down the ranks of \`ranks\` (pages and
// handlers, then lib/orders, then the engine, then the database), with no circle; the engine knows
// nothing of orders, better-sqlite3 stays inside lib/db, and lib/saga and lib/orders speak to the
// database through Prisma Client's model API only.
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
  const source = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
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
      const everyNameIsType =
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || everyNameIsType);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      add(ts.isLiteralTypeNode(node.argument) ? node.argument.literal : node.argument, true);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
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
      "const r = \"import s from '@/lib/orders/s'\"; // nor does a string",
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
    for (const model of [
      "await tx.order.updateMany({ where, data })",
      "await tx.order.deleteMany({ where })",
      "await tx.order.findMany({ select: { id: true } })",
    ]) {
      expect(model).not.toMatch(rawSql);
    }
  });
});

describe("imports run one way", () => {
  it("the engine (lib/saga) imports nothing of orders, the API, the views, the client or the pages", () => {
    for (const file of files("lib/saga")) {
      for (const { target } of imports(file))
        expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/(orders|api|view|client)|app|components)\//);
    }
  });

  it("lib/api (schemas, errors, streams) imports nothing of orders, the docs, the client or the pages", () => {
    for (const file of code("lib/api")) {
      for (const { target } of imports(file))
        expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/(orders|docs|client)|app|components)\//);
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
      for (const { target } of imports(file))
        expect(target, `${file} imports ${target}`).not.toMatch(
          /^(lib\/db\/(client|sqlite|postgres)$|lib\/generated|@prisma|better-sqlite3)/,
        );
    }
  });
});

/**
 * The layers, lowest first: a module may import its own folder (or file) and anything of a lower rank,
 * never the same rank or higher. Every folder of lib/, every file in its root, and the app's own roots
 * have a rank: a new one fails "has a rank" below until it is given one here.
 */
const ranks: Record<string, number> = {
  // Leaves: no import of the project.
  "lib/generated": 0,
  "lib/log": 0,
  "lib/money": 0,
  "lib/limits": 0,
  "lib/world-id": 0,
  // The database (Prisma, the providers, migrations).
  "lib/db": 1,
  // What this process serves (SAGA_ROLE): the whole app, or one service.
  "lib/role": 2,
  // The engine, and the guard that knows which requests may write.
  "lib/saga": 3,
  "lib/method-guard": 3,
  // What the HTTP API and the views share: schemas, errors, streams; the diagrams and timelines.
  "lib/api": 4,
  "lib/view": 4,
  // The inventory, payment and shipping services, each with its own data and HTTP API.
  "lib/services": 5,
  // The order saga and the demo's data.
  "lib/orders": 6,
  // The API's documents, and the browser's client code.
  "lib/docs": 7,
  "lib/client": 7,
  components: 8,
  // The pages and handlers, the proxy before them, and the process's shutdown.
  app: 9,
  proxy: 9,
  shutdown: 9,
  // The process's start-up: it installs shutdown's handlers.
  instrumentation: 10,
};

/** The ranked unit a module belongs to: its folder under lib/, a file of lib/'s root, or the app's own root. */
function unit(module: string): string | undefined {
  const parts = module.split("/");
  if (parts[0] === "lib") return parts.length > 2 ? `${parts[0]}/${parts[1]}` : module;
  if (parts[0] === "app" || parts[0] === "components") return parts[0];
  return parts.length === 1 && module in ranks ? module : undefined;
}

const layered = () => [...code("lib"), ...code("app"), ...code("components"), ...["instrumentation.ts", "shutdown.ts", "proxy.ts"]];

describe("the layers", () => {
  it("gives every folder of lib/, every file in its root, and the app's roots a rank", () => {
    const units = new Set(layered().map((file) => unit(file.replace(/\.tsx?$/, ""))));
    for (const name of fs.readdirSync(path.join(root, "lib"), { withFileTypes: true })) {
      if (!name.name.endsWith(".test.ts")) units.add(unit(`lib/${name.name.replace(/\.tsx?$/, "")}`));
    }
    for (const name of units) expect(name !== undefined && name in ranks, `${name} has no rank`).toBe(true);
  });

  it("sees an arrow that runs upward", () => {
    const upward = (from: string, to: string) => ranks[unit(from)!] <= ranks[unit(to)!] && unit(from) !== unit(to);
    expect(upward("lib/saga/run", "lib/orders/service")).toBe(true);
    expect(upward("lib/saga/run", "lib/saga/store")).toBe(false);
    expect(upward("lib/api/handler", "lib/view/sequence")).toBe(true);
  });

  it("has every import, of whatever form, run downward or within its own unit", () => {
    const upward: string[] = [];
    for (const file of layered()) {
      const from = unit(file.replace(/\.tsx?$/, ""))!;
      for (const { target } of imports(file)) {
        const to = unit(target);
        if (to === undefined || to === from) continue;
        if (!(to in ranks) || ranks[to] >= ranks[from])
          upward.push(`${file} (${from}, rank ${ranks[from]}) imports ${target} (rank ${ranks[to]})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("has no import circle anywhere in lib/", () => {
    // Prisma's generated client has circles of its own, and is not ours to change.
    const within = (file: string) =>
      imports(file)
        .map((i) => i.target)
        .filter((target) => target.startsWith("lib/") && !target.startsWith("lib/generated/"));
    const circles = new Set<string>();
    const done = new Set<string>();
    const visit = (module: string, chain: string[]) => {
      if (chain.includes(module)) return void circles.add([...chain.slice(chain.indexOf(module)), module].join(" -> "));
      if (done.has(module)) return;
      const file = [`${module}.ts`, `${module}.tsx`, `${module}/index.ts`].find((candidate) => fs.existsSync(path.join(root, candidate)));
      if (file) for (const target of within(file)) visit(target, [...chain, module]);
      done.add(module);
    };
    for (const file of code("lib")) visit(file.replace(/\.tsx?$/, ""), []);
    expect([...circles]).toEqual([]);
  });
});

describe("each service owns its data", () => {
  // Prisma Client's model of each service's tables (tx.inventoryServiceStock, tx.paymentServiceCharge,
  // ...), and the tables' own names, which a raw INSERT of lib/db/insert-rows.ts is given.
  const owners = {
    inventory: /\binventoryService[A-Z]\w*|\binventory_service_\w+/,
    payment: /\bpaymentService[A-Z]\w*|\bpayment_service_\w+/,
    shipping: /\bshippingService[A-Z]\w*|\bshipping_service_\w+/,
  };

  it("sees a use of a service's model, or of its table by name", () => {
    expect("await tx.paymentServiceCharge.create({ data })").toMatch(owners.payment);
    expect('insertRows(tx, { name: "payment_service_charges", columns }, rows)').toMatch(owners.payment);
    expect("await tx.payment.create({ data })").not.toMatch(owners.payment);
  });

  it("reads and writes a service's tables only in that service's own module", () => {
    for (const file of [...code("lib"), ...code("app"), ...code("components")]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const [service, model] of Object.entries(owners)) {
        if (file === `lib/services/${service}.ts`) continue;
        expect(text.match(model)?.[0], `${file} touches the ${service} service's tables`).toBeUndefined();
      }
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
      expect(
        imports(file).map((i) => i.target),
        file,
      ).not.toContain("better-sqlite3");
    }
  });

  it("has no SQL strings in lib/saga or lib/orders: only Prisma Client's model API", () => {
    for (const file of [...files("lib/saga"), ...files("lib/orders")]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect(text.match(rawSql)?.[0], `${file} holds raw SQL`).toBeUndefined();
    }
  });
});
