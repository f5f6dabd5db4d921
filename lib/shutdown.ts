/**
 * Graceful shutdown, installed at start-up when NEXT_MANUAL_SIG_HANDLE is set (npm start and the Docker
 * image set it): take no new saga, let the running ones reach their next persisted point, then exit.
 * Every transition is a transaction, so even an abrupt stop loses nothing; this makes the stop prompt
 * and the log clear about what the next start will resume.
 */
import { logger } from "./log";
import { drain } from "./saga/orchestrator";

const log = logger("startup");

export function installShutdownHandlers(): void {
  const stop = (signal: NodeJS.Signals) => {
    log.info(`${signal} received: no new sagas; finishing the current steps, then exiting`);
    drain()
      .catch((error: unknown) => log.error(`Draining failed: ${String(error)}`))
      // Log lines to a pipe are written asynchronously: let them drain before the process ends.
      .finally(() => process.stdout.write("", () => process.stderr.write("", () => process.exit(0))));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
