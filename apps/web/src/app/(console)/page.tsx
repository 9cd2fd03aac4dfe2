import type { Metadata } from "next";
import { ServiceGraphPage } from "../../features/graph/service-graph-page";

export const metadata: Metadata = { title: "Service graph" };

export default function GraphRoute() {
  return <ServiceGraphPage />;
}
