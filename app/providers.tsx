"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser session; the live streams keep it fresh, so no background refetch on focus.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 1_000 } } }));
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
