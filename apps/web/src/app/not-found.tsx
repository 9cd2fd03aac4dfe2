// Unknown URLs: a 404 inside the console frame, pointing back to the sidebar sections.
import type { Metadata } from "next";
import Link from "next/link";
import { AppShell } from "../features/shell/app-shell";
import { EmptyState } from "../ui/empty-state";
import { PageHeader } from "../ui/page-header";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <AppShell>
      <div className="page">
        <PageHeader title="Page not found" />
        <section className="card">
          <EmptyState title="There is no console page at this address" action={<Link href="/" className="btn">Go to the service graph</Link>}>
            The link may be out of date. Every section of the console is in the sidebar.
          </EmptyState>
        </section>
      </div>
    </AppShell>
  );
}
