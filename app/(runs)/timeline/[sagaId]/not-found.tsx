import Link from "next/link";

export default function SagaNotFound() {
  // Narrower and lower than a run's page: a max-w-3xl column with py-16. The layout's main gives the
  // side padding and half the height; 45rem is 3xl (48rem) less that padding (sm:px-6), py-8 the rest.
  return (
    <div className="mx-auto max-w-[45rem] py-8">
      <h1 className="text-2xl font-semibold sm:text-3xl">Saga not found</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-300">
        There is no saga with this id. It may have been removed when the demo data was reset, or the link may be incomplete.
      </p>
      <Link
        href="/"
        className="mt-6 inline-block rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-offset-2 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300 dark:focus-visible:ring-offset-slate-950"
      >
        Back to the dashboard
      </Link>
    </div>
  );
}
