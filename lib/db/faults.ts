/**
 * Faults of the database itself, as opposed to a bug or a step's own failure: the disk is full, the
 * file went read-only, it is locked too long, or it is no longer the file at DATABASE_URL. They pass
 * (or an operator fixes them), so whoever meets one waits and tries again: a saga retries its write
 * with backoff, and a request answers 503.
 */

/** The file at DATABASE_URL is not the one the connections have open (removed or replaced under the server). */
export class DatabaseUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "DatabaseUnavailable";
  }
}

// SQLite's primary result codes for a database that cannot take a write right now.
const TRANSIENT_SQLITE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM)/;
// PostgreSQL's SQLSTATE classes for a server that cannot serve now: connection exceptions (08), not
// enough resources (53), an operator's shutdown (57P01-57P03), a deadlock or serialization failure
// (40P01, 40001), which the same transaction survives when tried again, and a session the server ended
// because it sat too long in a transaction (25P03: this process froze mid-transaction, lib/db/postgres.ts),
// and what the rest of such a transaction then meets (25P02: the transaction was aborted under it).
const TRANSIENT_POSTGRES = /^(08|53|57P0[1-3]|40P01|40001|25P0[23])/;
// What node-postgres itself throws when the server closed a connection under a query, or when a query is
// sent on a client whose connection already failed (a replica that froze mid-transaction, then thawed:
// the pool drops that client once it is released, and the retry gets a fresh one).
const LOST_CONNECTION =
  /^(Connection terminated( unexpectedly)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;
// What Prisma's pg adapter calls a lost or refused connection.
const TRANSIENT_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseDoesNotExist",
]);
// Prisma's own: a transaction that waited or ran too long, a connection lost.
const TRANSIENT_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);

interface PrismaError {
  code?: string;
  meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string; originalMessage?: string; message?: string } } };
}

function adapterCause(error: unknown) {
  return (error as PrismaError | undefined)?.meta?.driverAdapterError?.cause;
}

export function isDatabaseFault(error: unknown): boolean {
  // By name, not instanceof: Next.js bundles start-up and each route apart, each with its own copy of
  // this class, and the database (opened by one of them) is shared through globalThis.
  if (error instanceof Error && error.name === "DatabaseUnavailable") return true;
  const cause = adapterCause(error);
  const code = cause?.originalCode;
  if (code && (TRANSIENT_SQLITE.test(code) || TRANSIENT_POSTGRES.test(code))) return true;
  if (cause?.kind && TRANSIENT_KINDS.has(cause.kind)) return true;
  // A connection refused before Prisma could wrap it (the pool's first connect).
  if ((error as { code?: string } | undefined)?.code === "ECONNREFUSED") return true;
  if (error instanceof Error && LOST_CONNECTION.test(error.message)) return true;
  return TRANSIENT_PRISMA.has((error as PrismaError | undefined)?.code ?? "");
}

/** One line for a log or /health: SQLite's own words when there are some. */
export function describeFault(error: unknown): string {
  const cause = adapterCause(error);
  if (cause) return cause.originalMessage ?? cause.message ?? String(cause.originalCode);
  return error instanceof Error ? error.message.trim().split("\n").at(-1)! : String(error);
}

/**
 * A unique key was taken (by a concurrent transaction, or a repeat of the same write): P2002 from the
 * model API, or the same kind under a raw statement's P2010 (lib/db/insert-rows.ts).
 */
export function isUniqueViolation(error: unknown): boolean {
  return (error as PrismaError | undefined)?.code === "P2002" || adapterCause(error)?.kind === "UniqueConstraintViolation";
}

/**
 * Runs `write` again once if a concurrent transaction took a unique key first (PostgreSQL runs them side
 * by side; SQLite's one writer never does): the second run finds what the first one made.
 */
export async function againIfTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return write();
  }
}
