// The console's sections, in sidebar order, and which one a path belongs to.
export interface NavItem {
  href: string;
  label: string;
  icon: "graph" | "services" | "traces" | "proxies" | "revisions";
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/", label: "Service graph", icon: "graph" },
  { href: "/services", label: "Services", icon: "services" },
  { href: "/traces", label: "Traces", icon: "traces" },
  { href: "/proxies", label: "Proxies", icon: "proxies" },
  { href: "/revisions", label: "Revisions", icon: "revisions" },
];

/** The nav item a pathname falls under ("/services/abc" → Services), or undefined. */
export function activeNavItem(pathname: string): NavItem | undefined {
  if (pathname === "/") return NAV_ITEMS[0];
  return NAV_ITEMS.find((i) => i.href !== "/" && (pathname === i.href || pathname.startsWith(`${i.href}/`)));
}
