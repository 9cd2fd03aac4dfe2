// One react-query client per browser tab: no retries on 4xx, and any UNAUTHORIZED (expired or
// revoked session) sends the operator to /login, then back to where they were.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { loginUrlFor } from "../features/auth/session";
import { isClientError, isUnauthorized, weftCodeOf } from "./errors";

function redirectToLogin(err: unknown) {
  if (typeof window === "undefined" || !isUnauthorized(err)) return;
  const { pathname, search } = window.location;
  // On /login an UNAUTHORIZED is the answer to a wrong password: the form shows it.
  if (pathname === "/login") return;
  window.location.assign(loginUrlFor(pathname + search));
}

/** Set by the /api forwarder (src/server/forward.ts) when the controller does not answer. */
const UNREACHABLE = "WEFT_CONTROLLER_UNREACHABLE";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: redirectToLogin }),
    mutationCache: new MutationCache({ onError: redirectToLogin }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A down controller is reported at once (polling queries keep trying on their interval).
        retry: (failures, err) => !isClientError(err) && weftCodeOf(err) !== UNREACHABLE && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
