// The layout's rules, checked on the source: imports run one way (pages and handlers, then lib/orders,
// then the engine, then the database), the engine knows nothing of orders, better-sqlite3 stays inside
// lib/db, and lib/saga and lib/orders speak to the database through Prisma Client's model API only.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function files(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : files(relative);
    return /\.tsx?$/.test(entry.name) ? [relative] : [];
  });
}

/** Each import of a file: where it resolves to (project-relative, or the package name) and whether it is type-only. */
function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)].map(([, type, source]) => {
    let target = source;
    if (source.startsWith("@/")) target = source.slice(2);
    else if (source.startsWith(".")) target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), source));
    return { target, typeOnly: Boolean(type) };
  });
}

const code = (dir: string) => files(dir).filter((file) => !file.endsWith(".test.ts"));

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
      for (const { target } of imports(file)) expect(target, `${file} imports ${target}`).not.toMatch(/^(lib\/db\/client|lib\/generated|@prisma|better-sqlite3)/);
    }
  });
});

describe("one data layer", () => {
  it("imports better-sqlite3 only inside lib/db", () => {
    for (const file of [...files("lib"), ...files("app"), ...files("components")].filter((f) => !f.startsWith("lib/db/"))) {
      expect(imports(file).map((i) => i.target), file).not.toContain("better-sqlite3");
    }
  });

  it("has no SQL strings in lib/saga or lib/orders: only Prisma Client's model API", () => {
    for (const file of [...files("lib/saga"), ...files("lib/orders")]) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      expect(text, file).not.toMatch(/\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|\$queryRaw|\$executeRaw)/i);
    }
  });
});
