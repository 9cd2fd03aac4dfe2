import type { Metadata } from "next";
import { filtersFromParams } from "../../../features/traces/trace-filters";
import { TracesPage } from "../../../features/traces/traces-page";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesRoute({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) if (typeof v === "string") params.set(k, v);
  const { filters, problems } = filtersFromParams(params);
  return <TracesPage initialFilters={filters} problems={problems} />;
}
