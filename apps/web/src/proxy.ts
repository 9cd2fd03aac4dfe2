// Sends page requests without a session cookie to /login?next=… . Only presence is checked here;
// the controller validates the session on every API call and the client redirects on UNAUTHORIZED.
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./features/auth/session";

export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const login = new URL("/login", request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== "/") login.searchParams.set("next", next);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages only: not the login page, the API forwarder, Next's assets or files with an extension.
  matcher: ["/((?!login(?:$|/)|api(?:$|/)|_next/|favicon\\.ico$|.*\\.[a-zA-Z0-9]+$).*)"],
};
