/**
 * Prisma Client for typed reads. It has its own connection, opened read-only: SQLite in WAL mode lets it
 * read committed data while the write connection (lib/db/sqlite.ts) works, and a read-only connection
 * can never hold the write lock across an `await`, which would stall the synchronous writer.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";
import { databasePath } from "./config";
import { getDb } from "./sqlite";

const globalForPrisma = globalThis as unknown as { sagaStudioPrisma?: { path: string; client: PrismaClient } };

export function getPrisma(): PrismaClient {
  const file = databasePath();
  const current = globalForPrisma.sagaStudioPrisma;
  if (current && current.path === file) return current.client;
  getDb(); // the file must exist and be migrated before a read-only connection can open it
  const adapter = new PrismaBetterSqlite3({ url: `file:${file}`, readonly: true, timeout: 5000 });
  const client = new PrismaClient({ adapter });
  globalForPrisma.sagaStudioPrisma = { path: file, client };
  return client;
}

export async function disconnectPrisma(): Promise<void> {
  await globalForPrisma.sagaStudioPrisma?.client.$disconnect();
  globalForPrisma.sagaStudioPrisma = undefined;
}
