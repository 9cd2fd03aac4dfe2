import type { Metadata } from "next";
import { TracePage } from "../../../../features/traces/trace-page";

export const metadata: Metadata = { title: "Trace" };

export default async function TraceRoute({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return <TracePage traceId={traceId.toLowerCase()} />;
}
