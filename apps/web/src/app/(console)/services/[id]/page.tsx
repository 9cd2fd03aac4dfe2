import type { Metadata } from "next";
import { ServiceDetailPage } from "../../../../features/services/service-detail-page";

export const metadata: Metadata = { title: "Service" };

export default async function ServiceRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ServiceDetailPage id={id} />;
}
