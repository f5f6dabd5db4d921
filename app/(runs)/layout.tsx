import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";

/**
 * The shell of the pages that show runs: a run's timeline (/timeline/<saga id>), an exported run replayed
 * (/timeline/import) and two runs side by side (/compare). The site's header, then one column for the
 * page. The folder's name, in parentheses, makes it a route group: it is not part of the pages' URLs.
 */
export default function RunsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-7xl space-y-6 px-4 py-8 sm:px-6">{children}</main>
    </>
  );
}
