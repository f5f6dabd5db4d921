/** Money is integer cents inside the app and a number of dollars at the API, as the seed has it. */

export function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}

export function toDollars(cents: number): number {
  return cents / 100;
}

/** Dollars as Python prints a float (`100.0`, `12.5`, `0.05`): the seed's JSON and log lines show them so. */
export function pythonDollars(cents: number): string {
  const text = String(cents / 100);
  return /[.e]/.test(text) ? text : `${text}.0`;
}
