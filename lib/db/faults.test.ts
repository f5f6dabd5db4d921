// Which errors are the database's passing faults (retried, 503) rather than a bug (500) or a step's failure.
import { describe, expect, it } from "vitest";
import { isDatabaseFault } from "./faults";

/** An error as Prisma's driver adapters wrap one of the database's own. */
const adapterError = (originalCode: string, kind = "postgres") =>
  Object.assign(new Error("Database error"), { code: "P2010", meta: { driverAdapterError: { cause: { kind, originalCode } } } });

describe("database faults", () => {
  it("takes a session the server ended for sitting in a transaction (a replica that froze mid-transaction) as passing", () => {
    expect(isDatabaseFault(adapterError("25P03"))).toBe(true);
    // The rest of that transaction: it is tried again whole.
    expect(isDatabaseFault(adapterError("25P02"))).toBe(true);
  });

  it("takes a connection that node-postgres saw closed under a query as passing", () => {
    expect(isDatabaseFault(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseFault(new Error("Connection terminated"))).toBe(true);
    // The next query on that client, after the process thawed.
    expect(isDatabaseFault(new Error("Client has encountered a connection error and is not queryable"))).toBe(true);
  });

  it("takes deadlocks, lost connections and a shutting-down server as passing, and a constraint or a bug as not", () => {
    for (const code of ["40P01", "40001", "08006", "57P01", "53300"]) expect(isDatabaseFault(adapterError(code)), code).toBe(true);
    for (const code of ["23505", "22P02", "42P01"]) expect(isDatabaseFault(adapterError(code)), code).toBe(false);
    expect(isDatabaseFault(new Error("Cannot read properties of undefined"))).toBe(false);
  });
});
