import type { Metadata } from "next";
import { ServiceDetailPage } from "../../../../features/services/service-detail-page";
import { CHART_WINDOWS, windowFromParam } from "../../../../features/telemetry/time-window";

export const metadata: Metadata = { title: "Service" };

export default async function ServiceRoute({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ window?: string | string[] }> }) {
  const [{ id }, { window }] = await Promise.all([params, searchParams]);
  return <ServiceDetailPage id={id} initialWindow={windowFromParam(typeof window === "string" ? window : null, CHART_WINDOWS, "5m")} />;
}
