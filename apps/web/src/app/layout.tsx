// Root layout: fonts, the stylesheet, and the API + toast providers every page uses.
import "@fontsource/inter/400.css";
import "@fontsource/inter/500.css";
import "@fontsource/inter/600.css";
import "@fontsource/inter/700.css";
import "../styles/globals.css";
import "../styles/telemetry.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ApiProvider } from "../trpc/provider";
import { ToastProvider } from "../ui/toast";

export const metadata: Metadata = {
  title: { default: "Weft", template: "%s · Weft" },
  description: "Weft service mesh console",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ApiProvider>
          <ToastProvider>{children}</ToastProvider>
        </ApiProvider>
      </body>
    </html>
  );
}
