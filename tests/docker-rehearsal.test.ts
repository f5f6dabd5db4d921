/**
 * The Docker image, rehearsed without a Docker engine (none runs on these machines).
 *
 * The Dockerfile's runtime stage is read, not re-typed: its COPY lines lay out the production build
 * (which the global set-up made in $NEXT_DIST_DIR) in a fresh temporary directory, its ENV, USER, WORKDIR,
 * VOLUME and CMD start the server there with an empty data directory, with docker-compose.yml's
 * environment on top, and its HEALTHCHECK command probes it. The API is then checked through HTTP, the
 * database file in the data directory is inspected, and SIGTERM (`docker stop`) must end the process
 * with exit code 0. If the Dockerfile and this rehearsal drift apart, the rehearsal fails.
 *
 * What a rehearsal cannot do, it lints: the runtime stage runs as a non-root user, declares the volume
 * (owned by that user), exposes 8000 and checks /health; compose publishes 8000 and keeps /data in a
 * named volume; .dockerignore keeps local builds, databases and node_modules out of the context.
 *
 * Paths are mapped from the image to this machine: the build stage's /app is the project, its `.next`
 * is $NEXT_DIST_DIR, the runtime WORKDIR is the temporary app directory and each VOLUME a temporary
 * directory. The server listens on a free port instead of 8000.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./server";
// @ts-expect-error: a plain ES module, shared with `npm start`
import { SERVER_HEAP } from "../scripts/build.mjs";

const root = path.resolve(import.meta.dirname, "..");
const distDir = process.env.NEXT_DIST_DIR || ".next";

// ---------------------------------------------------------------------------------------------------
// Reading the Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Logical lines (backslash continuations joined, comments dropped), split into stages at each FROM. */
function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && pending === "")) continue;
    if (trimmed.endsWith("\\")) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }
    lines.push(`${pending}${trimmed}`.trim());
    pending = "";
  }
  if (pending.trim()) lines.push(pending.trim());
  const stages: Stage[] = [];
  for (const line of lines) {
    const match = /^(\S+)\s*(.*)$/s.exec(line)!;
    const keyword = match[1].toUpperCase();
    const args = match[2];
    if (keyword === "FROM") {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`cannot read FROM ${args}`);
      stages.push({ base: from[1], name: from[2], instructions: [] });
    } else if (keyword !== "ARG" || stages.length > 0) {
      if (stages.length === 0) throw new Error(`${keyword} before the first FROM`);
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** Shell-like words: quotes group, a backslash escapes the next character. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= "";
    } else if (char === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + char;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

function noVariables(value: string, where: string): string {
  if (/\$/.test(value)) throw new Error(`${where}: "${value}" uses a variable, which this rehearsal does not expand`);
  return value;
}

/** ENV key=value ... (or the legacy ENV key value). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== "ENV") continue;
    const words = shellWords(args);
    if (!words[0].includes("=")) {
      env[words[0]] = noVariables(args.slice(args.indexOf(words[0]) + words[0].length).trim(), "ENV");
      continue;
    }
    for (const word of words) {
      const at = word.indexOf("=");
      if (at <= 0) throw new Error(`cannot read ENV ${args}`);
      env[word.slice(0, at)] = noVariables(word.slice(at + 1), "ENV");
    }
  }
  return env;
}

function instructions(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

function last(stage: Stage, keyword: string): string | undefined {
  return instructions(stage, keyword).at(-1);
}

/** A JSON array (exec form) or space-separated words. */
function listOf(args: string): string[] {
  return args.trim().startsWith("[") ? (JSON.parse(args) as string[]) : shellWords(args);
}

/** The WORKDIR a stage ends with, following FROM <stage> to the stage it builds on. */
function workdirOf(stages: Stage[], stage: Stage): string {
  const own = last(stage, "WORKDIR");
  if (own) return noVariables(own, "WORKDIR");
  const parent = stages.find((candidate) => candidate.name === stage.base);
  return parent ? workdirOf(stages, parent) : "/";
}

interface Copy {
  from?: string;
  chown?: string;
  sources: string[];
  dest: string;
}

function copiesOf(stage: Stage): Copy[] {
  return instructions(stage, "COPY").map((args) => {
    const words = shellWords(args);
    const flags = new Map<string, string>();
    while (words[0]?.startsWith("--")) {
      const [flag, value = ""] = words.shift()!.slice(2).split(/=(.*)/s);
      flags.set(flag, value);
    }
    const paths = words.join(" ").trim().startsWith("[") ? (JSON.parse(words.join(" ")) as string[]) : words;
    if (paths.length < 2) throw new Error(`cannot read COPY ${args}`);
    for (const flag of flags.keys()) {
      if (!["from", "chown", "chmod", "link"].includes(flag)) throw new Error(`COPY --${flag} is not rehearsed`);
    }
    return {
      from: flags.get("from"),
      chown: flags.get("chown"),
      sources: paths.slice(0, -1).map((source) => noVariables(source, "COPY")),
      dest: noVariables(paths.at(-1)!, "COPY"),
    };
  });
}

const dockerfile = parseDockerfile(fs.readFileSync(path.join(root, "Dockerfile"), "utf8"));
const runtime = dockerfile.at(-1)!;
const runtimeEnv = envOf(runtime);
const runtimeWorkdir = workdirOf(dockerfile, runtime);
const runtimeUser = last(runtime, "USER");
const volumes = instructions(runtime, "VOLUME").flatMap(listOf);
const cmd = listOf(last(runtime, "CMD") ?? "[]");
const healthcheck = last(runtime, "HEALTHCHECK");

// ---------------------------------------------------------------------------------------------------
// Reading docker-compose.yml (the block-style subset it is written in)

type Yaml = string | null | Yaml[] | { [key: string]: Yaml };

function parseYamlSubset(text: string): Yaml {
  const lines = text
    .split(/\r?\n/)
    .map((raw) => raw.replace(/(^|\s)#.*$/, "").trimEnd())
    .filter((line) => line.trim() !== "")
    .map((line) => ({ indent: line.length - line.trimStart().length, text: line.trim() }));
  let index = 0;
  const scalar = (value: string): string | null => {
    if (/^[[{&*!|>]/.test(value))
      throw new Error(`docker-compose.yml: "${value}" is beyond the test's YAML reader; extend parseYamlSubset`);
    if (value === "" || value === "~" || value === "null") return null;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    return quoted ? quoted[2] : value;
  };
  const block = (indent: number): Yaml => {
    if (lines[index].text.startsWith("- ")) {
      const list: Yaml[] = [];
      while (index < lines.length && lines[index].indent === indent && lines[index].text.startsWith("- ")) {
        const item = lines[index++].text.slice(2).trim();
        if (/^[^"']*:(\s|$)/.test(item))
          throw new Error(`docker-compose.yml: a map in a list ("${item}") is beyond the test's YAML reader`);
        list.push(scalar(item));
      }
      return list;
    }
    const map: Record<string, Yaml> = {};
    while (index < lines.length && lines[index].indent === indent) {
      const entry = /^([^:]+):(?:\s+(.*))?$/.exec(lines[index].text);
      if (!entry) throw new Error(`docker-compose.yml: cannot read "${lines[index].text}"`);
      index++;
      const nested = index < lines.length && lines[index].indent > indent;
      map[scalar(entry[1].trim()) ?? ""] = entry[2] !== undefined ? scalar(entry[2].trim()) : nested ? block(lines[index].indent) : null;
    }
    if (index < lines.length && lines[index].indent > indent)
      throw new Error(`docker-compose.yml: unexpected indentation at "${lines[index].text}"`);
    return map;
  };
  return lines.length ? block(lines[0].indent) : null;
}

const compose = parseYamlSubset(fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8")) as Record<string, any>;
const [serviceName, service] = Object.entries(compose.services as Record<string, Record<string, any>>).find(
  ([, candidate]) => candidate.build !== undefined,
)!;

// ---------------------------------------------------------------------------------------------------
// The lint

describe("Dockerfile", () => {
  it("builds in stages and starts the runtime stage from a clean base image", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.map((stage) => stage.name)).not.toContain(runtime.base);
    expect(runtime.base).toMatch(/^node:20\b/);
  });

  it("compiles better-sqlite3 from source when it has to, and builds the app as npm start does", () => {
    const builders = dockerfile.slice(0, -1);
    const runs = builders.flatMap((stage) => instructions(stage, "RUN")).join("\n");
    for (const tool of ["python3", "make", "g++"]) expect(runs).toContain(tool);
    // npm ci: the committed lockfile exactly, never a resolution of its own
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toMatch(/\bnpm (install|i)\b(?! -g)/);
    // scripts/build.mjs: next build, then the standalone server laid out as `npm start` runs it
    expect(runs).toMatch(/\bnode scripts\/build\.mjs\b/);
  });

  it("runs as a non-root user", () => {
    expect(runtimeUser, "the runtime stage needs a USER").toBeTruthy();
    expect(runtimeUser!.split(":")[0]).not.toMatch(/^(root|0)$/);
    const order = runtime.instructions.map((instruction) => instruction.keyword);
    expect(order.lastIndexOf("USER")).toBeLessThan(order.lastIndexOf("CMD"));
  });

  it("keeps the SQLite file on /data, a volume the app's user owns", () => {
    expect(volumes).toContain("/data");
    expect(runtimeEnv.DATABASE_URL).toMatch(/^file:\/data\/[^/]+\.db$/);
    const user = runtimeUser!.split(":")[0];
    const chown = instructions(runtime, "RUN").some((run) =>
      new RegExp(`chown\\s+(-R\\s+)?${user}(:\\S+)?\\s+(\\S+\\s+)*/data(\\s|$|&)`).test(run),
    );
    expect(chown, `a RUN in the runtime stage must chown /data to ${user} before VOLUME (a new volume takes that owner)`).toBe(true);
  });

  it("serves on port 8000 on every interface, handles SIGTERM itself and checks /health", () => {
    expect(instructions(runtime, "EXPOSE").flatMap(listOf)).toContain("8000");
    expect(runtimeEnv).toMatchObject({ PORT: "8000", HOSTNAME: "0.0.0.0", NODE_ENV: "production" });
    // The heap ceiling `npm start` gives the server (scripts/build.mjs), so the image's memory is the same.
    expect(runtimeEnv.NODE_OPTIONS).toBe(SERVER_HEAP);
    expect(runtimeEnv.NEXT_MANUAL_SIG_HANDLE).toBeTruthy();
    expect(healthcheck).toMatch(/\bCMD\b.*\/health\b/);
    expect(cmd).toEqual(["node", "server.js"]);
  });

  it("copies into the runtime only the standalone output, the static assets and the migrations (SQLite's and PostgreSQL's)", () => {
    const builderNames = dockerfile.slice(0, -1).map((stage) => stage.name);
    const copies = copiesOf(runtime);
    for (const copy of copies) expect(builderNames, `COPY ${copy.sources.join(" ")} must come --from a build stage`).toContain(copy.from);
    const sources = copies.flatMap((copy) =>
      copy.sources.map((source) => path.posix.relative(workdirOf(dockerfile, stageNamed(copy.from!)), source)),
    );
    const expected = [".next/standalone", ".next/static", "prisma/migrations", "prisma/postgresql/migrations"];
    if (fs.existsSync(path.join(root, "public"))) expected.push("public");
    expect(sources.sort()).toEqual(expected.sort());
  });
});

describe("docker-compose.yml", () => {
  it("builds the image from this directory and publishes port 8000", () => {
    expect(service.build).toBe(".");
    expect(service.ports).toContain("8000:8000");
    expect(service.restart).toBeTruthy();
  });

  it("keeps /data in a named volume", () => {
    const mounts = (service.volumes as string[]).map((mount) => mount.split(":"));
    const data = mounts.find(([, target]) => target === "/data");
    expect(data, `${serviceName} must mount a volume on /data`).toBeDefined();
    expect(data![0]).toMatch(/^[a-zA-Z0-9][\w.-]*$/); // a name, not a host path
    expect(Object.keys(compose.volumes ?? {})).toContain(data![0]);
  });

  it("keeps the image's health check (or checks /health itself)", () => {
    if (service.healthcheck) expect(JSON.stringify(service.healthcheck)).toContain("/health");
    else expect(healthcheck).toContain("/health");
  });
});

describe("docker-compose.yml's replicas profile", () => {
  const services = compose.services as Record<string, Record<string, any>>;
  const inProfile = Object.entries(services).filter(([, candidate]) => (candidate.profiles as string[] | undefined)?.includes("replicas"));

  it("runs PostgreSQL and at least two replicas of the image on it, each with a name of its own, the default service left alone", () => {
    expect(service.profiles, `${serviceName} stays the default (no profile)`).toBeUndefined();
    const postgres = inProfile.find(([, candidate]) => String(candidate.image).startsWith("postgres:"));
    expect(postgres, "a PostgreSQL service in the profile").toBeDefined();
    const replicas = inProfile.filter(([, candidate]) => candidate.image === service.image);
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const ids = replicas.map(([, replica]) => replica.environment.SAGA_REPLICA_ID);
    expect(new Set(ids).size).toBe(replicas.length);
    for (const [name, replica] of replicas) {
      expect(replica.environment.DATABASE_URL, name).toMatch(new RegExp(`^postgresql://[^@]+@${postgres![0]}:5432/`));
      expect(replica.depends_on[postgres![0]].condition, name).toBe("service_healthy");
    }
    expect(new Set(replicas.map(([, replica]) => replica.ports[0])).size).toBe(replicas.length);
  });
});

describe("docker-compose.yml's services profile", () => {
  const services = compose.services as Record<string, Record<string, any>>;
  const inProfile = Object.entries(services).filter(([, candidate]) => (candidate.profiles as string[] | undefined)?.includes("services"));

  it("runs each service alone in a container of its own, with a volume of its own, and the orchestrator calling them there", () => {
    const alone = Object.fromEntries(inProfile.filter(([, candidate]) => candidate.environment?.SAGA_ROLE));
    expect(
      Object.values(alone)
        .map((candidate) => candidate.environment.SAGA_ROLE)
        .sort(),
    ).toEqual(["inventory", "payment", "shipping"]);
    const orchestrators = inProfile.filter(([, candidate]) => !candidate.environment?.SAGA_ROLE);
    expect(orchestrators).toHaveLength(1);
    const [name, orchestrator] = orchestrators[0];
    const volumes = new Set<string>();
    for (const [container, candidate] of inProfile) {
      expect(candidate.image, container).toBe(service.image);
      const [volume, mount] = String(candidate.volumes[0]).split(":");
      expect(mount, container).toBe("/data");
      expect(Object.keys(compose.volumes), container).toContain(volume);
      volumes.add(volume);
    }
    expect(volumes.size, "a volume each").toBe(inProfile.length);
    for (const [container, candidate] of Object.entries(alone)) {
      const role = candidate.environment.SAGA_ROLE as string;
      expect(orchestrator.environment[`SAGA_${role.toUpperCase()}_URL`], name).toBe(`http://${container}:8000`);
      expect(orchestrator.depends_on[container].condition, name).toBe("service_healthy");
    }
  });
});

describe(".dockerignore", () => {
  const patterns = fs
    .readFileSync(path.join(root, ".dockerignore"), "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const ignored = (file: string) => {
    let result = false;
    for (const raw of patterns) {
      const negated = raw.startsWith("!");
      const pattern = raw.replace(/^!/, "").replace(/^\/+/, "").replace(/\/+$/, "");
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) =>
          part.startsWith("**") ? "(.*/)?" : part === "*" ? "[^/]*" : part === "?" ? "[^/]" : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
        )
        .join("");
      if (new RegExp(`^${source}(/.*)?$`).test(file)) result = !negated;
    }
    return result;
  };

  it.each([
    "node_modules/next/package.json",
    ".next/BUILD_ID",
    `${distDir}/standalone/server.js`,
    "data/saga-studio.db",
    "saga-studio.db",
    "data/saga-studio.db-wal",
    "lib/generated/prisma/client.ts",
    ".git/HEAD",
    "test-results/screenshot.png",
  ])("keeps %s out of the build context", (file) => {
    expect(ignored(file)).toBe(true);
  });

  it.each([
    "package.json",
    "package-lock.json",
    "app/page.tsx",
    "prisma/migrations/migration_lock.toml",
    "scripts/prisma-generate.mjs",
    "next.config.mjs",
  ])("sends %s to the build", (file) => {
    expect(ignored(file)).toBe(false);
  });
});

/** The service's `environment:`, as a map or as a list of KEY=value. */
function composeEnvironment(): Record<string, string> {
  const environment = (service.environment ?? {}) as Record<string, string | null> | string[];
  const entries = Array.isArray(environment)
    ? environment.map((item) => [item.split("=")[0], item.split(/=(.*)/s)[1] ?? ""])
    : Object.entries(environment).map(([key, value]) => [key, value ?? ""]);
  return Object.fromEntries(entries);
}

function stageNamed(name: string): Stage {
  const stage = dockerfile.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage named ${name}`);
  return stage;
}

// ---------------------------------------------------------------------------------------------------
// The rehearsal

/** The official node images' `node` user. */
const knownUsers: Record<string, [number, number]> = { node: [1000, 1000], root: [0, 0] };

function userIds(user: string): [number, number] {
  const [name, group] = user.split(":");
  const ids = /^\d+$/.test(name) ? [Number(name), Number(group ?? name)] : knownUsers[name];
  if (!ids) throw new Error(`USER ${user}: its uid is unknown to the rehearsal (add it to knownUsers)`);
  return [ids[0], group && /^\d+$/.test(group) ? Number(group) : ids[1]];
}

function walk(dir: string, visit: (file: string, stat: fs.Stats) => void): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = fs.lstatSync(file);
    visit(file, stat);
    if (stat.isDirectory()) walk(file, visit);
  }
}

// What scripts/build.mjs adds to the standalone folder for `npm start` (prepareStandalone). The image
// has no such step: its own COPY lines must bring these, so the rehearsal leaves them out.
const addedForNpmStart = [path.join(distDir, "static"), "public", ".prepared"];

describe("the runtime stage, rehearsed", () => {
  // As root (CI), the server runs as the image's USER with the files owned as COPY --chown leaves them.
  const asRoot = process.getuid?.() === 0;
  let base: string;
  let appDir: string;
  let volumeDirs: Map<string, string>;
  let env: Record<string, string>;
  let ids: [number, number] | undefined;
  let child: ChildProcess;
  let output = "";
  let url: string;
  let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** An image path to this machine: the WORKDIR to appDir, a volume to its directory. */
  function mapImagePath(imagePath: string): string {
    for (const [volume, dir] of volumeDirs) {
      if (imagePath === volume || imagePath.startsWith(`${volume}/`)) return path.join(dir, imagePath.slice(volume.length));
    }
    const resolved = path.posix.resolve(runtimeWorkdir, imagePath);
    if (resolved !== runtimeWorkdir && !resolved.startsWith(`${runtimeWorkdir}/`))
      throw new Error(`${imagePath} is outside ${runtimeWorkdir}`);
    return path.join(appDir, ...withDistDir(path.posix.relative(runtimeWorkdir, resolved)));
  }

  /** The image's `.next` is this build's $NEXT_DIST_DIR (server.js looks for its own distDir). */
  function withDistDir(relative: string): string[] {
    const [first, ...rest] = relative.split("/");
    return [first === ".next" ? distDir : first, ...rest];
  }

  /** A path in a build stage (the project at its WORKDIR, `.next` being $NEXT_DIST_DIR) to this machine. */
  function mapBuildPath(stageName: string, imagePath: string): string {
    const workdir = workdirOf(dockerfile, stageNamed(stageName));
    if (!path.posix.isAbsolute(imagePath) || !imagePath.startsWith(`${workdir}/`))
      throw new Error(`COPY --from=${stageName} ${imagePath}: not under ${workdir}`);
    return path.join(root, ...withDistDir(path.posix.relative(workdir, imagePath)));
  }

  beforeAll(async () => {
    const standalone = path.join(root, distDir, "standalone");
    expect(fs.existsSync(path.join(standalone, "server.js")), `no standalone build in ${distDir} (the global set-up builds it)`).toBe(true);
    base = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-image-"));
    fs.chmodSync(base, 0o755);
    appDir = path.join(base, "app");
    fs.mkdirSync(appDir);
    volumeDirs = new Map(volumes.map((volume) => [volume, path.join(base, `volume${volume.replace(/\//g, "-")}`)]));
    ids = asRoot && runtimeUser ? userIds(runtimeUser) : undefined;

    // COPY --from=<build stage> <sources> <dest>, in order.
    for (const copy of copiesOf(runtime)) {
      for (const source of copy.sources) {
        const from = copy.from ? mapBuildPath(copy.from, source) : path.join(root, source);
        expect(fs.existsSync(from), `COPY ${source}: ${from} does not exist`).toBe(true);
        let to = mapImagePath(copy.dest);
        const fromIsDir = fs.statSync(from).isDirectory();
        if (!fromIsDir && (copy.dest.endsWith("/") || (fs.existsSync(to) && fs.statSync(to).isDirectory())))
          to = path.join(to, path.basename(from));
        const skip = from === standalone ? new Set(addedForNpmStart.map((entry) => path.join(from, entry))) : new Set<string>();
        // Docker copies symlinks as symlinks: keep their (relative) targets as they are.
        fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, filter: (file) => !skip.has(file) });
        if (ids && copy.chown) {
          const [uid, gid] = userIds(copy.chown);
          fs.chownSync(to, uid, gid);
          if (fromIsDir) walk(to, (file) => fs.lchownSync(file, uid, gid));
        }
      }
    }
    // The volumes: new, empty, owned by the user (a named volume takes the owner of the image's directory).
    for (const dir of volumeDirs.values()) {
      fs.mkdirSync(dir);
      if (ids) fs.chownSync(dir, ...ids);
    }

    // The container's environment: the image's ENV with compose's environment on top, nothing of ours.
    const home = path.join(base, "home");
    fs.mkdirSync(home);
    if (ids) fs.chownSync(home, ...ids);
    const port = await freePort();
    env = {
      PATH: `${path.dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: home,
      ...Object.fromEntries(
        Object.entries(runtimeEnv).map(([key, value]) => [
          key,
          value.startsWith("file:/") ? `file:${mapImagePath(value.slice(5))}` : value.startsWith("/") ? mapImagePath(value) : value,
        ]),
      ),
      ...composeEnvironment(),
      PORT: String(port),
    };
    url = `http://127.0.0.1:${port}`;

    const [program, ...args] = cmd;
    child = spawn(program === "node" ? process.execPath : program, args, {
      cwd: appDir,
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      ...(ids ? { uid: ids[0], gid: ids[1] } : {}),
    });
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server.js exited early:\n${output}`);
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server.js did not become healthy:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  const call = async (method: string, route: string, json?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: json === undefined ? {} : { "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (() => {
        try {
          return JSON.parse(text);
        } catch {
          return undefined;
        }
      })(),
    };
  };

  it("lays out a self-contained app: no link leaves it, and it carries the native addon, the query compiler and the migrations", () => {
    walk(appDir, (file, stat) => {
      if (!stat.isSymbolicLink()) return;
      const target = path.resolve(path.dirname(file), fs.readlinkSync(file));
      expect(target.startsWith(`${appDir}${path.sep}`), `${path.relative(appDir, file)} -> ${target}`).toBe(true);
      expect(fs.existsSync(target), `${path.relative(appDir, file)} -> ${target} is dangling`).toBe(true);
    });
    expect(fs.existsSync(path.join(appDir, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"))).toBe(true);
    const runtimeDir = path.join(appDir, "node_modules/@prisma/client/runtime");
    expect(fs.readdirSync(runtimeDir).filter((name) => name.startsWith("query_compiler_fast_bg.sqlite"))).toContain(
      "query_compiler_fast_bg.sqlite.wasm-base64.mjs",
    );
    expect(fs.readdirSync(path.join(appDir, "prisma/migrations")).sort()).toEqual(
      fs.readdirSync(path.join(root, "prisma/migrations")).sort(),
    );
    // What the API docs serve as files (next.config.mjs's outputFileTracingIncludes).
    expect(fs.existsSync(path.join(appDir, "node_modules/swagger-ui-dist/swagger-ui-bundle.js"))).toBe(true);
    expect(fs.existsSync(path.join(appDir, "node_modules/redoc/bundles/redoc.standalone.js"))).toBe(true);
    // Nothing on the machine's own module path could stand in for a missing package.
    for (let dir = base; dir !== path.dirname(dir); dir = path.dirname(dir))
      expect(fs.existsSync(path.join(dir, "node_modules")), dir).toBe(false);
  });

  it("passes the image's HEALTHCHECK", () => {
    const command = /\bCMD\s+(.*)$/s.exec(healthcheck!)![1];
    const probe = spawnSync("/bin/sh", ["-c", command], {
      env: env as NodeJS.ProcessEnv,
      cwd: appDir,
      timeout: 10_000,
      ...(ids ? { uid: ids[0], gid: ids[1] } : {}),
    });
    expect(probe.status, `${probe.stdout}${probe.stderr}`).toBe(0);
  });

  it("answers /health and serves the dashboard with its static assets", async () => {
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "healthy" });
    const page = await call("GET", "/");
    expect(page.status).toBe(200);
    const assets = [...page.text.matchAll(/\/_next\/static\/[^"'\s)]+/g)].map((match) => match[0]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of new Set(assets)) expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
  });

  it("answers TRACE with FastAPI's 405, not Next.js's plain-text 500 (the method guard installed at start-up)", async () => {
    const { hostname, port } = new URL(url);
    const reply = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
      const request = http.request({ hostname, port, method: "TRACE", path: "/health" }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, text }));
      });
      request.on("error", reject);
      request.end();
    });
    expect(reply.status).toBe(405);
    expect(JSON.parse(reply.text)).toEqual({ detail: "Method Not Allowed" });
  });

  it("plays the seed's four scenarios with the documented results", async () => {
    const statuses = (body: any) => Object.fromEntries(body.steps.map((step: any) => [step.name, step.status]));
    const failure = (body: any) => body.steps.find((step: any) => step.status === "failed")?.error_message;

    const happy = await call("POST", "/orders", { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100.0 });
    expect(happy.status, happy.text).toBe(201);
    expect(happy.body.status).toBe("completed");
    expect(Object.values(statuses(happy.body))).toEqual(["completed", "completed", "completed", "completed"]);

    const funds = await call("POST", "/orders", { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500.0 });
    expect(funds.status, funds.text).toBe(201);
    expect(funds.body.status).toBe("failed");
    expect(statuses(funds.body)).toEqual({
      validate_order: "compensated",
      reserve_inventory: "compensated",
      process_payment: "failed",
      ship_order: "pending",
    });
    expect(failure(funds.body)).toBe("Insufficient funds");

    const shipping = await call("POST", "/orders", { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50.0 });
    expect(shipping.status, shipping.text).toBe(201);
    expect(shipping.body.status).toBe("failed");
    expect(statuses(shipping.body)).toEqual({
      validate_order: "compensated",
      reserve_inventory: "compensated",
      process_payment: "compensated",
      ship_order: "failed",
    });
    expect(failure(shipping.body)).toBe("Shipping address invalid");

    const inventory = await call("POST", "/orders", { user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100.0 });
    expect(inventory.status, inventory.text).toBe(201);
    expect(inventory.body.status).toBe("failed");
    expect(statuses(inventory.body)).toEqual({
      validate_order: "compensated",
      reserve_inventory: "failed",
      process_payment: "pending",
      ship_order: "pending",
    });
    expect(failure(inventory.body)).toBe("Insufficient inventory");

    expect((await call("GET", "/inventory")).body).toEqual({ inventory: { product_1: 98, product_2: 50, product_3: 25 } });
    expect((await call("GET", "/balances")).body).toEqual({ balances: { user_1: 900, user_2: 500, user_3: 200 } });
    const order = await call("GET", `/orders/${happy.body.order_id}`);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ id: happy.body.order_id, status: "completed" });
    const saga = await call("GET", `/sagas/${happy.body.saga_id}`);
    expect(saga.status).toBe(200);
    expect(saga.body).toMatchObject({ id: happy.body.saga_id, status: "completed" });
    const orders = await call("GET", "/orders");
    expect(orders.status).toBe(200);
    expect(orders.text).toContain(happy.body.order_id);
  });

  it("serves /docs, /redoc and /openapi.json with everything they load (required once app/docs exists)", async (context) => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, distDir, "app-path-routes-manifest.json"), "utf8")) as Record<
      string,
      string
    >;
    const built = new Set(Object.values(manifest));
    const routes = ["/docs", "/redoc", "/openapi.json"];
    const required = fs.existsSync(path.join(root, "app", "docs"));
    if (required) for (const route of routes) expect(built.has(route), `${route} is not in the build, though app/docs exists`).toBe(true);
    const present = routes.filter((route) => built.has(route));
    if (present.length === 0) context.skip("no API docs routes yet: app/docs does not exist");
    for (const route of present) {
      const reply = await call("GET", route);
      expect(reply.status, `${route}: ${reply.text.slice(0, 300)}`).toBe(200);
      if (route.endsWith(".json")) {
        expect(reply.body?.openapi).toMatch(/^3\./);
        continue;
      }
      // Every same-origin script, stylesheet and image the page loads: files read from node_modules.
      const refs = [...reply.text.matchAll(/\b(?:src|href)=["']([^"'#]+)["']/g)].map((match) => new URL(match[1], `${url}${route}`));
      for (const ref of refs.filter((candidate) => candidate.origin === url)) {
        expect((await fetch(ref)).status, `${route} loads ${ref.pathname}`).toBe(200);
      }
    }
  });

  it("stops on SIGTERM with exit code 0, its data in the volume with every migration recorded", async () => {
    child.kill("SIGTERM");
    const { code, signal } = await Promise.race([
      exit,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit 20 s after SIGTERM:\n${output}`)), 20_000)),
    ]);
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });

    const dbFile = env.DATABASE_URL.replace(/^file:/, "");
    expect(path.dirname(dbFile)).toBe(volumeDirs.get("/data"));
    expect(fs.existsSync(dbFile)).toBe(true);
    if (ids) expect(fs.statSync(dbFile).uid, "the database's owner: the user the server ran as").toBe(ids[0]);
    const db = new Database(dbFile, { fileMustExist: true });
    try {
      const rows = db
        .prepare(`SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name`)
        .all() as {
        migration_name: string;
        finished_at: unknown;
        rolled_back_at: unknown;
      }[];
      const migrations = fs
        .readdirSync(path.join(appDir, "prisma/migrations"))
        .filter((name) => fs.existsSync(path.join(appDir, "prisma/migrations", name, "migration.sql")))
        .sort();
      expect(migrations.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.migration_name)).toEqual(migrations);
      for (const row of rows) expect(row.finished_at !== null && row.rolled_back_at === null, row.migration_name).toBe(true);
      expect((db.prepare("SELECT COUNT(*) AS n FROM orders").get() as { n: number }).n).toBe(4);
    } finally {
      db.close();
    }
    // The app wrote nowhere else: no database beside the code.
    walk(appDir, (file) => expect(file.endsWith(".db"), file).toBe(false));
  });
});
