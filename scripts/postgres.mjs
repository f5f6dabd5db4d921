// A throwaway PostgreSQL server, for the tests and the bench: a cluster in a temporary directory, on a
// free port, removed at the end. The binaries are Debian's (/usr/lib/postgresql/<version>/bin, which
// .ci/run installs) or any on the PATH. initdb refuses to run as root: as root, the cluster belongs to
// the `postgres` user (runuser).
import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export function postgresBinaries() {
  const debian = "/usr/lib/postgresql";
  if (fs.existsSync(debian)) {
    const versions = fs
      .readdirSync(debian)
      .filter((v) => fs.existsSync(path.join(debian, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(debian, versions[0], "bin");
  }
  const found = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (found) return path.dirname(found);
  throw new Error("PostgreSQL's server binaries were not found (initdb): install the postgresql package (.ci/run does)");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/**
 * Starts a server; resolves with `base` (postgresql://postgres@127.0.0.1:<port>, no database),
 * `createDatabase()` (a new empty database: its URL) and `stop()`.
 */
export async function startPostgres() {
  const bin = postgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const run = (command, args) =>
    execFileSync(asRoot ? "runuser" : path.join(bin, command), asRoot ? ["-u", "postgres", "--", path.join(bin, command), ...args] : args, {
      stdio: "pipe",
    });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saga-studio-pg-"));
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const data = path.join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  run("pg_ctl", [
    "-D",
    data,
    "-l",
    path.join(dir, "log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "start",
  ]);
  const base = `postgresql://postgres@127.0.0.1:${port}`;
  return {
    base,
    createDatabase: () => createDatabase(base),
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new, empty database on the server at `base` (postgresql://user@host:port): its URL. */
export function createDatabase(base) {
  const { hostname, port, username } = new URL(`${base}/postgres`);
  const name = `t_${randomUUID().replace(/-/g, "")}`;
  execFileSync(path.join(postgresBinaries(), "createdb"), ["-h", hostname, "-p", port, "-U", username || "postgres", name], {
    stdio: "pipe",
  });
  return `${base}/${name}`;
}
