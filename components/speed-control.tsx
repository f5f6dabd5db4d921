"use client";

// 0.1x is the API's slowest: a whole compensation then lasts about five seconds.
export const speeds = [1, 0.5, 0.25, 0.1] as const;
export type Speed = (typeof speeds)[number];

/**
 * How fast the next saga plays (sent with the order as `simulation.speed`). Native radio buttons, so
 * the arrow keys move between speeds as in any radio group.
 */
export function SpeedControl({ value, onChange }: { value: Speed; onChange: (speed: Speed) => void }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">Playback speed</legend>
      <div className="mt-1.5 inline-flex rounded-lg border border-slate-300 p-0.5 dark:border-slate-600">
        {speeds.map((speed) => (
          <label
            key={speed}
            className="relative cursor-pointer rounded-md px-3 py-1 text-sm font-medium text-slate-600 has-checked:bg-slate-900 has-checked:text-white has-focus-visible:ring-2 has-focus-visible:ring-sky-500 dark:text-slate-300 dark:has-checked:bg-slate-100 dark:has-checked:text-slate-900"
          >
            <input
              type="radio"
              name="speed"
              value={speed}
              checked={value === speed}
              onChange={() => onChange(speed)}
              // Invisible but covering its label: clicks and the keyboard reach the real radio button.
              className="absolute inset-0 size-full cursor-pointer appearance-none rounded-md opacity-0"
            />
            {speed}x
          </label>
        ))}
      </div>
    </fieldset>
  );
}
