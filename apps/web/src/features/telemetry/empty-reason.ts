// Why a telemetry view is empty, in words an operator can act on: the store did not answer, no
// sidecar reported, no request went through, or the filters match nothing. Pure, so every page
// explains emptiness the same way.
import type { TelemetrySource, TimeWindow } from "@weft/contracts";
import { windowOption } from "./time-window";

export type EmptyKind = "unreachable" | "no_reports" | "no_traffic" | "no_match";

export interface EmptyReason {
  kind: EmptyKind;
  title: string;
  /** What is going on and what to do, one or two sentences. */
  body: string;
  /** A command or setting worth copying, shown as code after the body. */
  hint?: string;
}

export interface EmptyInput {
  /** What the API said about its data source; absent from controllers that predate it. */
  source?: TelemetrySource | undefined;
  /** Whether the view has anything to show. */
  hasData: boolean;
  window: TimeWindow;
  /** What the view is about, for the sentence: "reviews.default", "this service". Default "the mesh". */
  subject?: string;
  /** The operator narrowed the view (trace filters): nothing matching is not the mesh's fault. */
  filtered?: boolean;
  /** Sidecars reporting right now, when the page knows it (the graph does). */
  reportingProxies?: number;
}

/** Ends a sentence the API wrote ("… ECONNREFUSED") with a full stop. */
function sentence(text: string): string {
  const t = text.trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}

/** The reason the view is empty, or null when it is not (or has nothing to explain). */
export function whyEmpty(input: EmptyInput): EmptyReason | null {
  const phrase = windowOption(input.window).phrase;
  const subject = input.subject ?? "the mesh";
  // A store that does not answer explains everything, even a view with stale data in it.
  if (input.source?.state === "unreachable") {
    return {
      kind: "unreachable",
      title: input.source.backend === "prometheus" ? "Prometheus is not answering" : "The telemetry store is not answering",
      body: `${sentence(input.source.detail) || "The controller could not read its telemetry store."} Nothing can be shown until it answers again; the controller keeps retrying.`,
      hint: input.source.backend === "prometheus" ? "check WEFT_PROMETHEUS_URL, or set WEFT_TELEMETRY_BACKEND=builtin" : undefined,
    };
  }
  if (input.hasData) return null;
  if (input.source?.state === "no_reports" || input.reportingProxies === 0) {
    return {
      kind: "no_reports",
      title: `No sidecar has reported in ${phrase}`,
      body: "Nothing measures traffic until a sidecar runs beside a service and reaches the controller. Is the demo running? The Proxies page lists the sidecars that are connected.",
      hint: "npm run up",
    };
  }
  if (input.filtered) {
    return {
      kind: "no_match",
      title: `Nothing matches these filters in ${phrase}`,
      body: "Widen the time window, lower the minimum duration, or clear the filters.",
    };
  }
  return {
    kind: "no_traffic",
    title: `No traffic in ${phrase}`,
    body: `Sidecars are reporting, but no request went through ${subject}. Send a request to it, start the demo's load generator, or pick a longer window.`,
  };
}

/**
 * Why there is no trace to list: whatever explains missing traffic; the operator's filters when
 * traffic flowed and they narrowed the search; otherwise that no span arrived (not sampled, or the
 * sidecars cannot reach an OTLP endpoint). Traces live in the controller whatever the metrics
 * backend, so an unreachable metrics store explains nothing here.
 */
export function whyNoTraces(input: Omit<EmptyInput, "hasData"> & { hasTraffic: boolean }): EmptyReason {
  const phrase = windowOption(input.window).phrase;
  const storeDown = input.source?.state === "unreachable";
  const quiet = storeDown ? null : whyEmpty({ ...input, hasData: input.hasTraffic, filtered: false });
  if (quiet) return quiet;
  if (input.filtered) return whyEmpty({ ...input, hasData: false, source: undefined, reportingProxies: undefined })!;
  return {
    kind: "no_match",
    title: `No trace of ${input.subject ?? "any request"} in ${phrase}`,
    body: `${storeDown ? "No span reached the controller in this window." : "Requests flowed, but no span of them reached the controller."} Sidecars export one span per hop over OTLP for the requests they sample; a longer window may have some, and the sidecar's log says if its OTLP export fails.`,
  };
}
