// The circuit breaker on its own, on a clock of the test's: closed, open after repeated transport
// failures (failing fast, no call made), half-open after the cool-down, closed by one success.
import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpen } from "./breaker";

class Down extends Error {}
const transport = (error: unknown) => error instanceof Down;

describe("a service's circuit breaker", () => {
  it("opens after repeated transport failures, fails fast while open, and closes after one success half-open", async () => {
    let now = 0;
    const breaker = new CircuitBreaker("payment", 3, 1_000, () => now);
    const states: string[] = [];
    breaker.onChange((state) => states.push(state));
    let calls = 0;
    const failing = () => breaker.run(async () => (calls++, Promise.reject(new Down())), transport);

    for (let i = 0; i < 3; i++) await expect(failing()).rejects.toBeInstanceOf(Down);
    expect(breaker.state).toBe("open");
    // Open: refused at once, as a transient failure, without calling the service.
    await expect(failing()).rejects.toBeInstanceOf(CircuitOpen);
    await expect(failing()).rejects.toMatchObject({ name: "TransientError" });
    expect(calls).toBe(3);

    now = 1_000;
    expect(breaker.state).toBe("half_open");
    await expect(breaker.run(async () => "charged", transport)).resolves.toBe("charged");
    expect(breaker.state).toBe("closed");
    expect(states).toEqual(["open", "closed"]);
  });

  it("opens again when the half-open trial fails, and lets only one trial through at a time", async () => {
    let now = 0;
    const breaker = new CircuitBreaker("inventory", 1, 500, () => now);
    await expect(breaker.run(() => Promise.reject(new Down()), transport)).rejects.toBeInstanceOf(Down);
    now = 500;
    let release!: () => void;
    const trial = breaker.run(() => new Promise<never>((_, reject) => (release = () => reject(new Down()))), transport);
    // A second call while the trial is under way fails fast, saying so (no time is known: the step's backoff decides).
    const refused = breaker.run(async () => "x", transport);
    await expect(refused).rejects.toBeInstanceOf(CircuitOpen);
    await expect(refused).rejects.toThrow("The inventory service's circuit breaker is half-open: its one trial call is under way");
    await expect(refused).rejects.toMatchObject({ retryAfterMs: 0 });
    release();
    await expect(trial).rejects.toBeInstanceOf(Down);
    expect(breaker.view()).toEqual({ state: "open", failures: 2, openUntil: 1_000 });
  });

  it("counts a business answer (a refusal) as the service being up", async () => {
    const breaker = new CircuitBreaker("shipping", 2, 500, () => 0);
    await expect(breaker.run(() => Promise.reject(new Down()), transport)).rejects.toBeInstanceOf(Down);
    await expect(breaker.run(() => Promise.reject(new Error("Shipping address invalid")), transport)).rejects.toThrow(
      "Shipping address invalid",
    );
    await expect(breaker.run(() => Promise.reject(new Down()), transport)).rejects.toBeInstanceOf(Down);
    expect(breaker.state).toBe("closed");
  });
});
