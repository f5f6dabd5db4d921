import type { Metadata } from "next";
import { ImportRun } from "@/components/import-run";

export const metadata: Metadata = { title: "Import a run · Saga Studio" };

export default function ImportPage() {
  return (
    <>
      <div>
        <h1 className="text-2xl font-semibold sm:text-3xl">Import a run</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600 dark:text-slate-300">
          Open a run exported from a timeline page (its JSON): it replays here exactly as it ran, from its event log alone. Nothing is sent
          to the server.
        </p>
      </div>
      <ImportRun />
    </>
  );
}
