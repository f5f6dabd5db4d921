// What DATABASE_URL may name, and the message a wrong one stops the start with.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseConfig, servicesDatabaseUrl } from "./config";

describe("DATABASE_URL", () => {
  it("a file: URL is SQLite (the default), resolved from the working directory, and one process's alone", () => {
    expect(databaseConfig("file:./data/x.db")).toEqual({ provider: "sqlite", replicated: false, file: path.resolve("data/x.db") });
  });

  it("a postgresql:// or postgres:// URL is PostgreSQL, shared by replicas; its label leaves the password out", () => {
    expect(databaseConfig("postgresql://saga:secret@db:5432/saga")).toEqual({
      provider: "postgresql",
      replicated: true,
      url: "postgresql://saga:secret@db:5432/saga",
      label: "postgresql://db:5432/saga",
    });
    expect(databaseConfig("postgres://saga@db/saga").provider).toBe("postgresql");
  });

  it("anything else stops the start, saying what would do", () => {
    expect(() => databaseConfig("mysql://db/saga")).toThrow(/got the scheme "mysql:"/);
    expect(() => databaseConfig("postgresql://db")).toThrow("DATABASE_URL must name a PostgreSQL host and database");
    expect(() => databaseConfig("file::memory:")).toThrow(/must name a file/);
  });
});

describe("SERVICES_DATABASE_URL", () => {
  it("on SQLite, the services get a file of their own beside the app's; on PostgreSQL, the same database", () => {
    expect(servicesDatabaseUrl({ DATABASE_URL: "file:./data/x.db" })).toBe(`file:${path.resolve("data/x-services.db")}`);
    expect(servicesDatabaseUrl({})).toBe(`file:${path.resolve("data/saga-studio-services.db")}`);
    expect(servicesDatabaseUrl({ DATABASE_URL: "postgresql://saga@db/saga" })).toBe("postgresql://saga@db/saga");
  });

  it("names their data elsewhere when set, but never the app's own SQLite file, nor anything DATABASE_URL may not be", () => {
    expect(servicesDatabaseUrl({ DATABASE_URL: "file:./data/x.db", SERVICES_DATABASE_URL: "file:./other/s.db" })).toBe("file:./other/s.db");
    expect(() => servicesDatabaseUrl({ DATABASE_URL: "file:./data/x.db", SERVICES_DATABASE_URL: "file:data/x.db" })).toThrow(
      "SERVICES_DATABASE_URL must name another file than DATABASE_URL",
    );
    expect(() => servicesDatabaseUrl({ SERVICES_DATABASE_URL: "mysql://db/saga" })).toThrow(
      /^SERVICES_DATABASE_URL must be a SQLite file URL .*got the scheme "mysql:"$/,
    );
  });
});
