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
