/**
 * Prepared statements reused across queries, for Prisma's better-sqlite3 adapter.
 *
 * The adapter prepares every statement anew (`client.prepare(sql).bind(args)`), and on SQLite preparing
 * costs more than running a small statement: with the engine's few dozen statements per saga it was a
 * tenth of the time of a saga. Wrapping the adapter's connection so that `prepare` returns a cached
 * statement with the arguments kept aside (a better-sqlite3 statement can be bound only once) removes
 * that cost and changes nothing else: the same SQL runs with the same arguments.
 *
 * This reaches into the adapter's private shape: its connection is `adapter.client`, and it uses of a
 * statement only what `Prepared` has. That shape is the one of the exact version package.json pins
 * (no range: an update is a deliberate change), and lib/db/statement-cache.test.ts fails if it changes.
 */
import type { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as Connection, Statement } from "better-sqlite3";

// Enough for every query shape the app sends; a longer tail (IN lists of every length) is evicted oldest first.
const MAX_STATEMENTS = 500;

/** The subset of a statement that the adapter uses, with its arguments applied at run time. */
class Prepared {
  private args: unknown[] = [];
  constructor(private readonly statement: Statement) {}
  get reader(): boolean {
    return this.statement.reader;
  }
  bind(args: unknown[]): this {
    this.args = args;
    return this;
  }
  columns() {
    return this.statement.columns();
  }
  raw(): this {
    return this;
  }
  all(): unknown[] {
    return this.statement.raw(true).all(this.args);
  }
  run() {
    return this.statement.run(this.args);
  }
}

function cacheStatements(connection: Connection, counter: { statements: number }): void {
  const prepare = connection.prepare.bind(connection);
  const cache = new Map<string, Statement>();
  (connection as unknown as { prepare: (sql: string) => Prepared }).prepare = (sql: string): Prepared => {
    counter.statements++;
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql);
    } else {
      statement = prepare(sql) as Statement;
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return new Prepared(statement);
  };
}

/**
 * The same adapter factory, whose connections reuse their prepared statements (and count them in
 * `counter`); `connected` is given each connection it opens.
 */
export function withStatementCache(
  factory: PrismaBetterSqlite3,
  counter: { statements: number },
  connected?: (connection: Connection) => void,
): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client?: Connection }).client;
    if (typeof connection?.prepare !== "function") {
      throw new Error(
        "Prisma's better-sqlite3 adapter has no better-sqlite3 connection at `client` any more: " +
          "lib/db/statement-cache.ts needs the version package.json pins",
      );
    }
    cacheStatements(connection, counter);
    connected?.(connection);
    return adapter;
  };
  return factory;
}
