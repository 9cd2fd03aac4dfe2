// Session facts shared by the route guard (proxy.ts) and the login page.

/** The httpOnly cookie the controller sets on auth.login (see the controller's auth-service). */
export const SESSION_COOKIE = "weft_session";

/**
 * Where to go after signing in: only same-origin paths are honoured (no "//host" or "https://…"),
 * so a crafted ?next= link cannot send an operator elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/login" || next.startsWith("/login?") || next.startsWith("/api/")) return "/";
  return next;
}

/** The login URL that brings the operator back to `path` afterwards. */
export function loginUrlFor(path: string): string {
  const next = safeNextPath(path);
  return next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`;
}
