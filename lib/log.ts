/**
 * Log lines in the seed's format (`INFO:orchestrator:Starting saga ... for order ...`), filtered by
 * LOG_LEVEL (DEBUG, INFO, WARNING, ERROR; default INFO). Fields such as saga and order ids follow the
 * message as key=value pairs so every transition can be traced by id.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 } as const;
export type LogLevel = keyof typeof LEVELS;
export type LogFields = Record<string, string | number | undefined>;

function threshold(): number {
  const name = (process.env.LOG_LEVEL || "INFO").toUpperCase();
  if (name === "WARN") return LEVELS.WARNING;
  return LEVELS[name as LogLevel] ?? LEVELS.INFO;
}

export function formatLine(level: LogLevel, logger: string, message: string, fields: LogFields = {}): string {
  const extra = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  return `${level}:${logger}:${message}${extra ? ` [${extra}]` : ""}`;
}

export function log(level: LogLevel, logger: string, message: string, fields?: LogFields): void {
  if (LEVELS[level] < threshold()) return;
  const line = formatLine(level, logger, message, fields);
  if (LEVELS[level] >= LEVELS.WARNING) console.error(line);
  else console.log(line);
}

export function logger(name: string) {
  return {
    debug: (message: string, fields?: LogFields) => log("DEBUG", name, message, fields),
    info: (message: string, fields?: LogFields) => log("INFO", name, message, fields),
    warn: (message: string, fields?: LogFields) => log("WARNING", name, message, fields),
    error: (message: string, fields?: LogFields) => log("ERROR", name, message, fields),
  };
}
