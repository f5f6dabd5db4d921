/**
 * Starts the services' own thread (thread.ts) at start-up (instrumentation.ts), when this process serves
 * the services (by default it does): their data made ready first (on SQLite, a file of their own:
 * lib/db/services-file.ts), then the thread, whose loopback listener the order saga calls from then on.
 *
 * The thread ends only with the process. Should it end before (a fault in the services' code), the
 * process stops too, with the reason in its log: as a crash of the whole server would, and the next
 * start finishes every saga in flight.
 */
import { Worker } from "node:worker_threads";
import { database } from "../db/client";
import { databaseConfig, migrationsDir, servicesDatabaseUrl } from "../db/config";
import { prepareServicesFile } from "../db/services-file";
import { logger } from "../log";
import { countAbandonedRequest } from "../saga/metrics";
import { callServicesAt } from "./client";
import type { ThreadMessage } from "./thread";

const log = logger("startup");

/** Starts the thread; resolves once it listens (and the order saga calls it there), with where. */
export async function startServicesThread(): Promise<string> {
  const url = servicesDatabaseUrl();
  const app = databaseConfig();
  const services = databaseConfig(url, "SERVICES_DATABASE_URL");
  if (app.provider === "sqlite" && services.provider === "sqlite") {
    // The app's file first, migrated: its migrations may hand the services rows (a database from before them).
    await database();
    const moved = prepareServicesFile(app.file, services.file, migrationsDir("sqlite"));
    if (moved > 0) log.info(`Moved ${moved} rows of the services from ${app.file} into their own file, ${services.file}`);
  }
  const commits = new SharedArrayBuffer(4);
  const thread = new Worker(new URL("./thread.ts", import.meta.url), {
    name: "services",
    workerData: { commits },
    env: { ...process.env, DATABASE_URL: url },
    // The thread's heap, held small: V8 left to itself gave it 73 MB for 30 MB of live objects, and took
    // the server to 345 MB resident (npm run bench -- memory; budget 300). Twice its live objects, and a
    // young generation of 6 MB: 290 MB, at the same speed (the thread is not the one that bounds it).
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 6 },
  });
  const listening = await new Promise<string>((resolve, reject) => {
    thread.on("message", (message: ThreadMessage) => {
      if (message.type === "listening") resolve(message.url);
      else if (message.type === "abandoned") countAbandonedRequest(message.service);
    });
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`the services' thread exited (code ${code}) before it listened`)));
  });
  thread.removeAllListeners("error").removeAllListeners("exit");
  let stopping = false;
  const ended = (why: string) => {
    if (stopping) return;
    stopping = true;
    log.error(`The services' thread ended (${why}): stopping the server; the next start finishes the sagas in flight`);
    process.stdout.write("", () => process.stderr.write("", () => process.exit(1)));
  };
  thread.on("error", (error) => ended(error.message));
  thread.on("exit", (code) => ended(`exit code ${code}`));
  // On PostgreSQL other replicas' services write the same data: its count here would not be a version of it.
  callServicesAt(listening, services.provider === "sqlite" ? new Int32Array(commits) : undefined);
  return listening;
}
