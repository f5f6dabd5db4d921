// Runs once when the server starts: migrate, seed a new database, and finish every saga a previous
// process left in flight (the write-ahead log in SQLite says where each one stopped).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Before any request: TRACE and the other methods Next.js cannot route get FastAPI's 405.
  (await import("./lib/method-guard")).installMethodGuard();
  const { logger } = await import("./lib/log");
  const log = logger("startup");
  // A configuration the app cannot run with stops the start, with a message that says what to fix.
  const { ConfigError, databaseConfig, servicesDatabaseUrl } = await import("./lib/db/config");
  const { startWorldSweeper, worldSettings } = await import("./lib/orders/worlds");
  const { bodyTimeoutMs } = await import("./lib/method-guard");
  const { breakerSettings, serviceTimeoutMs } = await import("./lib/services/client");
  const { callsPerService } = await import("./lib/saga/bulkhead");
  const { serverRole } = await import("./lib/role");
  let role: ReturnType<typeof serverRole>;
  try {
    role = serverRole();
    databaseConfig();
    worldSettings();
    bodyTimeoutMs();
    breakerSettings();
    serviceTimeoutMs();
    callsPerService();
    if (role === "all") servicesDatabaseUrl();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(`Cannot start: ${error.message}`);
    process.stdout.write("", () => process.stderr.write("", () => process.exit(1)));
    return;
  }
  if (process.env.NEXT_MANUAL_SIG_HANDLE) (await import("./shutdown")).installShutdownHandlers();
  if (role !== "all") {
    // One service alone (lib/role.ts): its database migrated now, and no saga to drive.
    const { database } = await import("./lib/db/client");
    await database().catch((error: unknown) => {
      log.error(`Opening the database failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    log.info(`Serving the ${role} service alone, under /services/${role}`);
    return;
  }
  // The services this process serves run in a thread of their own, with their own data, on a loopback
  // listener where the order saga calls them (lib/services/start-thread.ts): before any saga is resumed.
  const services = await import("./lib/services/client");
  if (services.someServiceHere()) {
    const { startServicesThread } = await import("./lib/services/start-thread");
    try {
      const url = await startServicesThread();
      log.info(
        `The services run in a thread of their own; the order saga calls them at ${url}/services/ (they also answer under /services/ on this server's port)`,
      );
    } catch (error) {
      log.error(`Cannot start the services: ${error instanceof Error ? error.message : String(error)}`);
      process.stdout.write("", () => process.stderr.write("", () => process.exit(1)));
      return;
    }
  }
  const { recoverOnStart } = await import("./lib/orders/service");
  await recoverOnStart().catch((error: unknown) => {
    log.error(`Recovering in-flight sagas failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  // Private demo worlds unused for a day (SAGA_WORLD_IDLE_HOURS) are removed now and then.
  startWorldSweeper();
}
