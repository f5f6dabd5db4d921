"use client";
/** Opens an exported run (JSON) in the browser and tells its story with the same view as a live one. */
import { useState } from "react";
import { importRun, type RunData } from "@/lib/view/run-export";
import { RunView } from "./run-view";

export function ImportRun() {
  const [run, setRun] = useState<RunData | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const open = async (file: File | undefined) => {
    if (!file) return;
    const result = importRun(await file.text());
    if (result.ok) {
      setRun(result.run);
      setProblem(null);
    } else {
      setRun(null);
      setProblem(result.problem);
    }
  };

  return (
    <div className="space-y-6">
      <label className="block max-w-xl rounded-2xl border border-dashed border-slate-300 bg-white p-4 text-sm dark:border-slate-700 dark:bg-slate-900">
        <span className="font-medium">A run&apos;s JSON file</span>
        <input
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          onChange={(event) => void open(event.target.files?.[0])}
          className="mt-2 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-900 file:px-3 file:py-1.5 file:text-white dark:file:bg-slate-100 dark:file:text-slate-900"
        />
      </label>
      {problem && (
        <p
          role="alert"
          data-testid="import-problem"
          className="rounded-lg bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {problem}
        </p>
      )}
      {run && (
        <div data-testid="imported-run">
          <p className="mb-4 break-all font-mono text-sm text-slate-600 dark:text-slate-400">{run.saga.id}</p>
          <RunView
            sagaId={run.saga.id}
            outline={run.outline}
            order={run.order}
            events={run.events}
            effects={run.effects}
            before={run.before}
            definitionVersion={run.saga.definition_version}
            initialStatus={run.saga.status}
          />
        </div>
      )}
    </div>
  );
}
