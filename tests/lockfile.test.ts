/**
 * `npm ci` (CI, the Dockerfile) installs the committed lockfile as it is and refuses it when it lacks an
 * entry npm would resolve: on Linux, npm still wants every other platform's optional binaries listed
 * (@next/swc-darwin-arm64, @tailwindcss/oxide-win32-x64-msvc...), and `npm install` on a fresh clone
 * would rewrite the file to add them.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const packages: Record<string, LockEntry> = lock.packages;

/** Where Node would find `name` from the package at `from` (node_modules/a/node_modules/b...). */
function resolves(from: string, name: string): boolean {
  for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
    if (packages[`${dir ? `${dir}/` : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
  }
}

describe("package-lock.json", () => {
  it("matches package.json's dependencies", () => {
    expect(packages[""].dependencies ?? {}).toEqual(pkg.dependencies);
    expect(packages[""].devDependencies ?? {}).toEqual(pkg.devDependencies);
  });

  it("lists every optional dependency of every package, for every platform", () => {
    const missing = Object.entries(packages).flatMap(([at, entry]) =>
      Object.keys(entry.optionalDependencies ?? {})
        .filter((name) => !resolves(at, name))
        .map((name) => `${name} (wanted by ${at || "the project"})`),
    );
    expect(missing).toEqual([]);
  });
});
