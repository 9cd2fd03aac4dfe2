"use client";
// Provides react-query and the tRPC client to every client component. Created once per tab.
// Subscriptions (the live graph) go over SSE with httpSubscriptionLink, everything else batched.
import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import type { AppRouter } from "@weft/controller/router";
import { useState, type ReactNode } from "react";
import { TRPC_URL, TRPCProvider } from "./client";
import { createQueryClient } from "./query-client";

export function ApiProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          // Same origin: the /api forwarder streams the controller's event stream through unbuffered.
          true: httpSubscriptionLink({ url: TRPC_URL }),
          false: httpBatchLink({ url: TRPC_URL }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
