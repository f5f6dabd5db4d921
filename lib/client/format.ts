/** How the UI writes money and changes. Fixed to en-US so the server's and the browser's render agree. */

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatDollars(dollars: number): string {
  return usd.format(dollars);
}

/** "+$50.00" / "-$100.00": the sign always shown, so a change reads as a change. */
export function formatSignedDollars(delta: number): string {
  return `${delta < 0 ? "-" : "+"}${usd.format(Math.abs(delta))}`;
}

/** "+2" / "-2". */
export function formatSignedCount(delta: number): string {
  return `${delta < 0 ? "-" : "+"}${Math.abs(delta)}`;
}

/** The first characters of an id: enough to tell orders apart on screen, short enough for a phone. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/**
 * The engine's error as a person reads it. A failure that gave up ends "… (attempt 3) (gave up after 3
 * attempts)" when the failure itself named its attempt (the injected faults do): the last attempt's number
 * is the count the engine adds, so it is said once.
 */
export function readableError(error: string): string {
  return error.replace(/ \(attempt (\d+)\)( \(gave up after \1 attempts\))/g, "$2");
}

/** What an order was, in words: "1 × Mechanical keyboard for Linus" (ids where no name is known). */
export function orderLine(order: { quantity: number; product_id: string; user_id: string }, names: Record<string, string>): string {
  return `${order.quantity} × ${names[order.product_id] ?? order.product_id} for ${names[order.user_id] ?? order.user_id}`;
}

/** "saga 6e6f5e63": how every page names a run, by its saga's id (the one in /timeline/… and /compare?a=…). */
export function sagaLabel(sagaId: string): string {
  return `saga ${shortId(sagaId)}`;
}

/** The time of day an order was placed, in the viewer's time zone ("14:02:09"), or in `timeZone`. */
export function clockTime(iso: string, timeZone?: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", timeZone ? { timeZone } : undefined);
}
