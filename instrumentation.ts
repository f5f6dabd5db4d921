// Runs once when the server starts: migrate, seed a new database, and finish every saga a previous
// process left in flight (the write-ahead log in SQLite says where each one stopped).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_MANUAL_SIG_HANDLE) (await import("./lib/shutdown")).installShutdownHandlers();
  const { recoverOnStart } = await import("./lib/orders/service");
  const { logger } = await import("./lib/log");
  await recoverOnStart().catch((error: unknown) => {
    logger("startup").error(`Recovering in-flight sagas failed: ${error instanceof Error ? error.message : String(error)}`);
  });
}
