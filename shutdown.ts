/**
 * Graceful shutdown, installed at start-up when NEXT_MANUAL_SIG_HANDLE is set (npm start and the Docker
 * image set it): take no new saga, let the running ones reach their next persisted point, then exit.
 * Every transition is a transaction, so even an abrupt stop loses nothing; this makes the stop prompt
 * and the log clear about what the next start will resume.
 */
import { logger } from "./lib/log";
import { requestsInFlight } from "./lib/api/handler";
import { answersBeingWritten } from "./lib/method-guard";
import { drain } from "./lib/saga";

const log = logger("startup");

// A request still unanswered this long after the sagas stopped is given up (its client gets a reset).
const REQUESTS_GRACE_MS = 10_000;

/**
 * Shutdown: no new saga starts (POST /orders answers 503), running ones stop at their next persisted
 * point, every request being handled gets its answer (a POST /orders whose saga was paused answers
 * 503, saying the next start finishes it), and only then does the process exit.
 */
export function installShutdownHandlers(): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    // Ctrl-C on `npm start` signals npm, scripts/start.mjs and this server at once, and start.mjs passes
    // the signal on too: the second must not end the drain the first began.
    if (stopping) return log.debug(`${signal} received again: already stopping`);
    stopping = true;
    log.info(`${signal} received: no new sagas; finishing the current steps and answering the requests in flight, then exiting`);
    try {
      await drain();
      const deadline = Date.now() + REQUESTS_GRACE_MS;
      // Every handler returns its answer, and then every answer is written out to its socket (a
      // returned Response is not sent yet: exiting then cut answers off under load).
      const unanswered = () => requestsInFlight() + answersBeingWritten();
      while (unanswered() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      if (unanswered() > 0) log.warn(`Exiting with ${unanswered()} request(s) still unanswered`);
    } catch (error) {
      log.error(`Draining failed: ${String(error)}`);
    }
    // Log lines to a pipe are written asynchronously: let them drain before the process ends.
    process.stdout.write("", () => process.stderr.write("", () => process.exit(0)));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
