// What DATABASE_URL may name, and the message a wrong one stops the start with.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseConfig } from "./config";

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
