/**
 * The services' own thread: a worker thread of the app's process (lib/services/start-thread.ts starts it),
 * where inventory, payment and shipping answer on a loopback listener of their own (listener.ts), with
 * their own data (DATABASE_URL, as the thread is given it: lib/db/config.ts servicesDatabaseUrl). The
 * order saga calls them there over HTTP, as it would call them in another process; their work and the
 * orchestrator's run side by side, each on a core.
 *
 * It tells the main thread where it listens, and hands over the counts /metrics shows.
 */
import { parentPort, workerData } from "node:worker_threads";
import { database } from "../db/client";
import { installMethodGuard } from "../method-guard";
import { countAbandonedRequestsIn } from "../saga/metrics";
import { startServicesListener } from "./listener";

/** What the thread tells the main thread. */
export type ThreadMessage = { type: "listening"; url: string } | { type: "abandoned"; service: string };

const tell = (message: ThreadMessage) => parentPort!.postMessage(message);

countAbandonedRequestsIn((service) => tell({ type: "abandoned", service }));
// The thread's node:http is its own: the app's guard (methods no route takes, and Node's bound on a
// request that trickles in) is installed here too.
installMethodGuard();

// Each commit of the services' data counted where the main thread reads it at once (start-thread.ts):
// the app's reads of the services (stock, balances) are kept until it moves.
const commits = new Int32Array((workerData as { commits: SharedArrayBuffer }).commits);

// The database is opened (and migrated) before the first request: a failure stops the start.
void database()
  .then((db) => {
    const write = db.write;
    db.write = async (fn) => {
      const value = await write(fn);
      Atomics.add(commits, 0, 1);
      return value;
    };
  })
  .then(() => startServicesListener())
  .then((listener) => tell({ type: "listening", url: listener.url }))
  .catch((error: unknown) => {
    // The thread's end says why (its 'error' event, in the main thread).
    setImmediate(() => {
      throw error;
    });
  });
