"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { WorldBadge } from "./world-badge";

const links = [
  { href: "/", label: "Dashboard" },
  { href: "/workflow", label: "Workflow" },
] as const;

// The API's docs are served by route handlers, not pages: plain links, so the browser loads them whole
// (a client-side navigation would ask them for a React payload they do not have).
const apiDocs = [
  { href: "/docs", label: "API docs", title: "The REST API in Swagger UI: try every endpoint" },
  { href: "/redoc", label: "ReDoc", title: "The REST API's reference, in ReDoc" },
] as const;

const linkClass = "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";
const idleClass =
  "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white";

/** The app's header: name, navigation, and a slot on the right for the page's own controls. */
export function SiteHeader({ children }: { children?: ReactNode }) {
  const pathname = usePathname();
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-3 px-4 py-3 sm:px-6">
        <Link
          href="/"
          className="rounded text-lg font-semibold tracking-tight focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          Saga Studio
        </Link>
        <nav aria-label="Main">
          <ul className="flex flex-wrap gap-1">
            {links.map(({ href, label }) => {
              const current = pathname === href;
              return (
                <li key={href}>
                  <Link
                    href={href}
                    // Not prefetched: the live dashboard is where people stay, and a prefetch of a page that is
                    // missing from a deployment answers 404, a console error on every page with this header.
                    prefetch={false}
                    aria-current={current ? "page" : undefined}
                    className={`${linkClass} ${current ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900" : idleClass}`}
                  >
                    {label}
                  </Link>
                </li>
              );
            })}
            {apiDocs.map(({ href, label, title }) => (
              <li key={href}>
                <a href={href} title={title} className={`${linkClass} ${idleClass}`}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          <WorldBadge />
          {children}
        </div>
      </div>
    </header>
  );
}
