/**
 * The app's logger, on pino: one line per event, in the seed's wording, with the saga and order ids as
 * fields of the line.
 *
 *   json (NODE_ENV=production, as `npm start` and the Docker image run): one object a line, for log pipelines
 *     {"level":"info","time":"…","pid":7,"logger":"orchestrator","saga_id":"…","order_id":"…","msg":"Starting saga … for order …"}
 *   text (otherwise): the seed's own format, for a person at a terminal
 *     INFO:orchestrator:Starting saga … for order … [saga_id=… order_id=…]
 *
 * LOG_FORMAT=json|text overrides the choice; LOG_LEVEL (DEBUG, INFO, WARNING or WARN, ERROR, or SILENT
 * for none; default INFO) filters. No pino transport: transports run in a worker thread, which Next's bundler breaks. Lines
 * go to process.stdout (warnings and errors to stderr in text, as the seed did), whose writes to a file
 * or pipe are synchronous on Linux, so nothing is lost on exit and shutdown.ts's flush still holds.
 */
import pino from "pino";

export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";
export type LogFields = Record<string, string | number | undefined>;
export type LogFormat = "json" | "text";

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where lines are written: process.stdout, or a test's collector. */
export interface Sink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  format?: LogFormat;
  /** A LOG_LEVEL value: DEBUG, INFO, WARNING (or WARN), ERROR. */
  level?: string;
  stdout?: Sink;
  stderr?: Sink;
}

const toPino = { DEBUG: "debug", INFO: "info", WARNING: "warn", WARN: "warn", ERROR: "error", SILENT: "silent" } as const;
const toSeed: Record<string, LogLevel> = { trace: "DEBUG", debug: "DEBUG", info: "INFO", warn: "WARNING", error: "ERROR", fatal: "ERROR" };

/** pino's level for a LOG_LEVEL value; an unknown value means INFO, as it always has. */
export function pinoLevel(value: string | undefined): pino.LevelWithSilent {
  return toPino[(value || "INFO").toUpperCase() as keyof typeof toPino] ?? "info";
}

// The defaults read process.env.NODE_ENV literally: Next inlines it into the production build.
export function logFormat(format = process.env.LOG_FORMAT, nodeEnv = process.env.NODE_ENV): LogFormat {
  const chosen = format?.toLowerCase();
  if (chosen === "json" || chosen === "text") return chosen;
  return nodeEnv === "production" ? "json" : "text";
}

/** The seed's line: `INFO:orchestrator:Starting saga …`, then the fields as `[key=value …]`. */
export function formatLine(level: LogLevel, logger: string, message: string, fields: LogFields = {}): string {
  const extra = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");
  return `${level}:${logger}:${message}${extra ? ` [${extra}]` : ""}`;
}

/** The text format: pino hands over each line as JSON (without time or pid); this writes it in the seed's format. */
function textStream(stdout: Sink, stderr: Sink): pino.DestinationStream {
  return {
    write(json: string) {
      const { level, logger, msg, ...fields } = JSON.parse(json) as { level: string; logger: string; msg: string } & LogFields;
      const seedLevel = toSeed[level] ?? "INFO";
      const sink = seedLevel === "WARNING" || seedLevel === "ERROR" ? stderr : stdout;
      sink.write(`${formatLine(seedLevel, logger, msg, fields)}\n`);
    },
  };
}

/** A logger factory with its own pino instance: `createLogger(options)("orchestrator").info(…)`. */
export function createLogger(options: LoggerOptions = {}): (name: string) => Logger {
  const format = options.format ?? logFormat();
  const stdout = options.stdout ?? process.stdout;
  const root = pino(
    {
      level: pinoLevel(options.level ?? process.env.LOG_LEVEL),
      // "info" rather than 30: readable, and what log pipelines map to a severity.
      formatters: { level: (label) => ({ level: label }) },
      ...(format === "json"
        ? { timestamp: pino.stdTimeFunctions.isoTime, base: { pid: process.pid } }
        : { timestamp: false, base: undefined }),
    },
    format === "json" ? (stdout as pino.DestinationStream) : textStream(stdout, options.stderr ?? process.stderr),
  );
  return (name) => {
    const child = root.child({ logger: name });
    // pino takes the fields first; with no further arguments the message is written as is (no %-formatting).
    return {
      debug: (message, fields) => child.debug(fields ?? {}, message),
      info: (message, fields) => child.info(fields ?? {}, message),
      warn: (message, fields) => child.warn(fields ?? {}, message),
      error: (message, fields) => child.error(fields ?? {}, message),
    };
  };
}

let processLogger: ((name: string) => Logger) | undefined;

/** A named logger (the seed's names: orchestrator, services, …), created on first use, once the environment is set. */
export function logger(name: string): Logger {
  let named: Logger | undefined;
  const get = () => (named ??= (processLogger ??= createLogger())(name));
  return {
    debug: (message, fields) => get().debug(message, fields),
    info: (message, fields) => get().info(message, fields),
    warn: (message, fields) => get().warn(message, fields),
    error: (message, fields) => get().error(message, fields),
  };
}
