import { describe, expect, it } from "vitest";
import { createLogger, logFormat, pinoLevel, type LoggerOptions } from "./log";

const ids = { saga_id: "73e1c2d4", order_id: "f67c9a01" };

/** A logger writing into arrays instead of the process's streams. */
function capture(options: LoggerOptions) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const named = createLogger({
    ...options,
    stdout: { write: (line) => stdout.push(line) },
    stderr: { write: (line) => stderr.push(line) },
  });
  return { named, stdout, stderr };
}

describe("JSON lines", () => {
  it("parse, and carry the level, the logger's name, the seed's wording and the ids", () => {
    const { named, stdout } = capture({ format: "json", level: "INFO" });
    named("orchestrator").info("Starting saga 73e1c2d4 for order f67c9a01", ids);
    named("services").info("Processed payment of $100.0 for user_1", { ...ids, step: "process_payment" });
    expect(stdout).toHaveLength(2);
    expect(stdout.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    const [start, payment] = stdout.map((line) => JSON.parse(line));
    expect(start).toMatchObject({ level: "info", logger: "orchestrator", msg: "Starting saga 73e1c2d4 for order f67c9a01", ...ids });
    expect(new Date(start.time).toISOString()).toBe(start.time);
    expect(start.pid).toBe(process.pid);
    expect(payment).toMatchObject({
      level: "info",
      logger: "services",
      msg: "Processed payment of $100.0 for user_1",
      step: "process_payment",
    });
  });

  it("write warnings and errors to the same stream, leave out undefined fields and never %-format a message", () => {
    const { named, stdout, stderr } = capture({ format: "json", level: "INFO" });
    named("orchestrator").warn("Step process_payment attempt 1 failed (100% flaky %s); retrying in 80 ms", { ...ids, step: undefined });
    named("api").error("Unhandled error: boom");
    expect(stderr).toEqual([]);
    const [warning, error] = stdout.map((line) => JSON.parse(line));
    expect(warning).toMatchObject({ level: "warn", msg: "Step process_payment attempt 1 failed (100% flaky %s); retrying in 80 ms" });
    expect("step" in warning).toBe(false);
    expect(error).toMatchObject({ level: "error", logger: "api" });
  });
});

describe("text lines", () => {
  it("keep the seed's format: LEVEL:logger:message [key=value ...]", () => {
    const { named, stdout, stderr } = capture({ format: "text", level: "DEBUG" });
    named("orchestrator").info("Starting saga 73e1c2d4 for order f67c9a01", ids);
    named("services").info("Reserved 2 units of product_1", { ...ids, step: "reserve_inventory" });
    named("orchestrator").info("Resuming 1 saga(s) left in flight");
    named("orders").debug("detail", { order_id: "f67c9a01", skipped: undefined });
    named("orchestrator").warn("Compensation refund_payment attempt 1 failed", ids);
    named("orchestrator").error("Saga 73e1c2d4 needs an operator", ids);
    expect(stdout).toEqual([
      "INFO:orchestrator:Starting saga 73e1c2d4 for order f67c9a01 [saga_id=73e1c2d4 order_id=f67c9a01]\n",
      "INFO:services:Reserved 2 units of product_1 [saga_id=73e1c2d4 order_id=f67c9a01 step=reserve_inventory]\n",
      "INFO:orchestrator:Resuming 1 saga(s) left in flight\n",
      "DEBUG:orders:detail [order_id=f67c9a01]\n",
    ]);
    // Warnings and errors go to stderr, as the seed's (and Python's) logging does.
    expect(stderr).toEqual([
      "WARNING:orchestrator:Compensation refund_payment attempt 1 failed [saga_id=73e1c2d4 order_id=f67c9a01]\n",
      "ERROR:orchestrator:Saga 73e1c2d4 needs an operator [saga_id=73e1c2d4 order_id=f67c9a01]\n",
    ]);
  });
});

describe("LOG_LEVEL", () => {
  const levels = (level: string) => {
    const { named, stdout, stderr } = capture({ format: "text", level });
    const log = named("orchestrator");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    return [...stdout, ...stderr].map((line) => line.split(":")[0]);
  };

  it("filters out what is below it", () => {
    expect(levels("DEBUG")).toEqual(["DEBUG", "INFO", "WARNING", "ERROR"]);
    expect(levels("INFO")).toEqual(["INFO", "WARNING", "ERROR"]);
    expect(levels("WARNING")).toEqual(["WARNING", "ERROR"]);
    expect(levels("warn")).toEqual(["WARNING", "ERROR"]);
    expect(levels("ERROR")).toEqual(["ERROR"]);
    expect(levels("SILENT")).toEqual([]);
  });

  it("means INFO when unset or unknown", () => {
    expect(pinoLevel(undefined)).toBe("info");
    expect(levels("")).toEqual(["INFO", "WARNING", "ERROR"]);
    expect(levels("LOUD")).toEqual(["INFO", "WARNING", "ERROR"]);
  });
});

describe("the format", () => {
  it("is JSON in production and text otherwise, unless LOG_FORMAT says", () => {
    expect(logFormat(undefined, "production")).toBe("json");
    expect(logFormat(undefined, "development")).toBe("text");
    expect(logFormat(undefined, undefined)).toBe("text");
    expect(logFormat("text", "production")).toBe("text");
    expect(logFormat("JSON", "development")).toBe("json");
    expect(logFormat("xml", "production")).toBe("json");
  });
});

describe("in the tests", () => {
  // The suite provokes failures on purpose (a step that throws "disk on fire", a stuck compensation):
  // their log lines would read like alarms in `npm test`'s output, so the tests run silent by default.
  it("log nothing unless a test asks for a level", () => {
    expect(process.env.LOG_LEVEL).toBe("SILENT");
    const { named, stdout, stderr } = capture({ format: "text" });
    named("orchestrator").error("Step b raised an unexpected error: disk on fire");
    named("orchestrator").warn("Step b attempt 1 failed; retrying in 0 ms");
    expect([...stdout, ...stderr]).toEqual([]);
  });
});
