"use client";
// The signed-in frame: sidebar with the Weft wordmark, sections, who is signed in, sign-out.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "../../trpc/client";
import { GraphIcon, LogOutIcon, ProxiesIcon, RevisionsIcon, ServicesIcon, TracesIcon, WeftMark } from "../../ui/icons";
import { activeNavItem, NAV_ITEMS, type NavItem } from "./nav-items";

const ICONS: Record<NavItem["icon"], typeof GraphIcon> = {
  graph: GraphIcon,
  services: ServicesIcon,
  traces: TracesIcon,
  proxies: ProxiesIcon,
  revisions: RevisionsIcon,
};

export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const active = activeNavItem(pathname);
  return (
    <div className="shell">
      <aside className="sidebar">
        <Link href="/" className="wordmark" aria-label="Weft home">
          <WeftMark />
          <span className="wordmark__name">weft</span>
          <span className="wordmark__tag">console</span>
        </Link>
        <nav className="nav" aria-label="Main">
          <div className="nav__section">Mesh</div>
          {NAV_ITEMS.map((item) => {
            const Icon = ICONS[item.icon];
            return (
              <Link key={item.href} href={item.href} className="nav__link" aria-current={active?.href === item.href ? "page" : undefined}>
                <Icon size={17} />
                {item.label}
              </Link>
            );
          })}
        </nav>
        <SignedInUser />
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}

function SignedInUser() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 60_000 }));
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      // A full page load, not router.push: nothing cached for the signed-out user may survive.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      onSettled: () => window.location.assign("/login"),
    }),
  );
  const name = me.data?.username ?? "";
  return (
    <div className="sidebar__footer">
      <div className="avatar" aria-hidden="true">
        {name.slice(0, 1).toUpperCase() || "·"}
      </div>
      <div className="sidebar__user">
        <div className="sidebar__user-name">{name || "\u00a0"}</div>
        <div className="sidebar__user-role">{me.data ? me.data.role : "\u00a0"}</div>
      </div>
      <button type="button" className="btn btn--ghost btn--icon" onClick={() => logout.mutate()} disabled={logout.isPending} aria-label="Sign out" title="Sign out">
        <LogOutIcon size={17} />
      </button>
    </div>
  );
}
