import type { Metadata } from "next";
import { RevisionsPage } from "../../../features/revisions/revisions-page";

export const metadata: Metadata = { title: "Revisions" };

export default function RevisionsRoute() {
  return <RevisionsPage />;
}
