import Link from "next/link";

/** The link above a run page's heading that leads back to the dashboard. */
export function BackToDashboard() {
  return (
    <Link
      href="/"
      className="rounded text-sm text-sky-700 underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 dark:text-sky-300"
    >
      <span aria-hidden>← </span>Dashboard
    </Link>
  );
}
