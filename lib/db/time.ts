/**
 * Timestamps in the format Prisma's SQLite adapter writes and reads (ISO-8601 with an explicit offset),
 * so rows written by raw SQL and by Prisma look the same.
 */
export function isoNow(date = new Date()): string {
  return date.toISOString().replace("Z", "+00:00");
}
