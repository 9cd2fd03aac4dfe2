// A real xDS management server for tests (ADS, state of the world, @grpc/grpc-js on 127.0.0.1:0)
// that also accepts the telemetry report stream and OTLP/gRPC span exports, since sidecars send all
// three to one address (the controller's). Tests
// set resources per type (plain snake_case objects, encoded here), the server pushes them to every
// subscribed stream, and records every DiscoveryRequest (initial / ack / nack) and TelemetryReport.
// Behaves like a real server where it matters: filters EDS/RDS/LDS by requested names, ignores
// stale nonces, does not re-send after a NACK, and skips a type whose version the client already has.
import * as grpc from "@grpc/grpc-js";
import { loadProtos, reportFromWire, structToJson, TypeUrl, typeNameOf, type WireReport } from "@weft/contracts/proto";
import { TelemetryReportSchema, type TelemetryReport } from "@weft/contracts";
import { addOtlpTraceService, createSpanSink, type SpanSink } from "./otlp-test-receiver";

export interface AdsRequestRecord {
  /** Increments per ADS stream the server accepted (a reconnect gets a new id). */
  streamId: number;
  kind: "initial" | "ack" | "nack";
  typeUrl: string;
  versionInfo: string;
  responseNonce: string;
  resourceNames: string[];
  errorDetail?: { code: number; message: string };
  /** Present on requests that carried the node (normally the first of a stream). */
  node?: { id: string; cluster: string; userAgentName: string; metadata: Record<string, unknown> };
}

export interface AdsTestServer extends SpanSink {
  /** `127.0.0.1:<port>`, for WEFT_CONTROLLER. */
  address: string;
  port: number;
  /** Sets the full resource list of a type and pushes it to subscribed streams; returns its version. */
  set(typeUrl: string, resources: Array<Record<string, unknown>>, version?: string): string;
  version(typeUrl: string): string | undefined;
  readonly requests: readonly AdsRequestRecord[];
  /** Telemetry reports received, decoded and validated with TelemetryReportSchema (as the controller does). */
  readonly reports: readonly TelemetryReport[];
  /** Resolves with the first recorded request (from index `from`, default 0) matching `pred`. */
  waitForRequest(pred: (r: AdsRequestRecord) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<AdsRequestRecord>;
  waitForAck(typeUrl: string, version: string, options?: { from?: number; timeoutMs?: number }): Promise<AdsRequestRecord>;
  waitForNack(typeUrl: string, options?: { from?: number; timeoutMs?: number }): Promise<AdsRequestRecord>;
  waitForReport(pred: (r: TelemetryReport) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<TelemetryReport>;
  /** ADS streams currently open. */
  openStreams(): number;
  /** Ends every open ADS and telemetry stream with UNAVAILABLE (the server keeps listening). */
  dropStreams(): void;
  close(): Promise<void>;
}

interface StreamState {
  id: number;
  call: grpc.ServerDuplexStream<any, any>;
  names: Map<string, string[]>;
  lastNonce: Map<string, string>;
  sentVersion: Map<string, string>;
  sentNames: Map<string, string[]>;
}

const NAME_FIELD: Record<string, string> = {
  [TypeUrl.Cluster]: "name",
  [TypeUrl.ClusterLoadAssignment]: "cluster_name",
  [TypeUrl.Listener]: "name",
  [TypeUrl.RouteConfiguration]: "name",
};

const same = (a: readonly string[] | undefined, b: readonly string[]) =>
  a !== undefined && a.length === b.length && [...a].sort().every((n, i) => n === [...b].sort()[i]);

/** Wire -> the contract shape, validated: a sidecar sending a field out of contract fails the test. */
function toReport(w: WireReport): TelemetryReport {
  return TelemetryReportSchema.parse(reportFromWire(w));
}

/** `port`: bind a specific port, e.g. to bring a "restarted controller" back where sidecars look for it. */
export async function startAdsTestServer(options: { port?: number } = {}): Promise<AdsTestServer> {
  const protos = loadProtos();
  const server = new grpc.Server();
  const resources = new Map<string, { version: string; list: Array<Record<string, unknown>> }>();
  const requests: AdsRequestRecord[] = [];
  const reports: TelemetryReport[] = [];
  const streams = new Set<StreamState>();
  const telemetryCalls = new Set<grpc.ServerDuplexStream<any, any>>();
  const spanSink = createSpanSink();
  const reportErrors: string[] = [];
  const waiters = new Set<() => void>();
  let streamSeq = 0;
  let nonceSeq = 0;
  let versionSeq = 0;
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  function send(st: StreamState, typeUrl: string): void {
    const current = resources.get(typeUrl);
    if (!current) return;
    const names = st.names.get(typeUrl) ?? [];
    const field = NAME_FIELD[typeUrl]!;
    const wanted = typeUrl === TypeUrl.Cluster || names.length === 0 ? current.list : current.list.filter((r) => names.includes(String(r[field])));
    const typeName = typeNameOf(typeUrl);
    const nonce = String(++nonceSeq);
    st.lastNonce.set(typeUrl, nonce);
    st.sentVersion.set(typeUrl, current.version);
    st.sentNames.set(typeUrl, names);
    st.call.write({
      version_info: current.version,
      type_url: typeUrl,
      nonce,
      resources: wanted.map((r) => ({ type_url: typeUrl, value: Buffer.from(protos.encode(typeName, r)) })),
    });
  }

  server.addService(protos.services.ads, {
    StreamAggregatedResources(call: grpc.ServerDuplexStream<any, any>) {
      const st: StreamState = { id: ++streamSeq, call, names: new Map(), lastNonce: new Map(), sentVersion: new Map(), sentNames: new Map() };
      streams.add(st);
      call.sendMetadata(new grpc.Metadata());
      const done = () => streams.delete(st);
      call.on("end", () => {
        done();
        call.end();
      });
      call.on("error", done);
      call.on("close", done);
      call.on("data", (req: any) => {
        const typeUrl: string = req.type_url ?? "";
        const nonce: string = req.response_nonce ?? "";
        const names: string[] = req.resource_names ?? [];
        const error = req.error_detail ? { code: req.error_detail.code ?? 0, message: req.error_detail.message ?? "" } : undefined;
        const record: AdsRequestRecord = {
          streamId: st.id,
          kind: error ? "nack" : nonce ? "ack" : "initial",
          typeUrl,
          versionInfo: req.version_info ?? "",
          responseNonce: nonce,
          resourceNames: names,
          ...(error ? { errorDetail: error } : {}),
          ...(req.node
            ? {
                node: {
                  id: req.node.id ?? "",
                  cluster: req.node.cluster ?? "",
                  userAgentName: req.node.user_agent_name ?? "",
                  metadata: structToJson(req.node.metadata),
                },
              }
            : {}),
        };
        requests.push(record);
        notify();
        // Stale nonce (an answer to an older response): ignore, as real servers do.
        if (nonce && nonce !== st.lastNonce.get(typeUrl)) return;
        st.names.set(typeUrl, names);
        if (error) return; // NACK: wait for new config instead of re-sending the rejected one
        const current = resources.get(typeUrl);
        if (!current) return;
        if (record.versionInfo === current.version && same(st.sentNames.get(typeUrl) ?? (nonce ? undefined : names), names)) return;
        send(st, typeUrl);
      });
    },
    DeltaAggregatedResources(call: grpc.ServerDuplexStream<any, any>) {
      call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: "delta xDS is not served by the test server" });
    },
  });

  server.addService(protos.services.telemetry, {
    Report(call: grpc.ServerDuplexStream<any, any>) {
      telemetryCalls.add(call);
      call.sendMetadata(new grpc.Metadata());
      const done = () => telemetryCalls.delete(call);
      call.on("end", () => {
        done();
        call.end();
      });
      call.on("error", done);
      call.on("close", done);
      call.on("data", (w: any) => {
        try {
          reports.push(toReport(w));
        } catch (err) {
          // Out of contract: refused (as the controller would), and named when a test waits for reports.
          reportErrors.push(String(err).slice(0, 1000));
          call.emit("error", { code: grpc.status.INVALID_ARGUMENT, details: "ads-test-server: report out of contract" });
          return;
        }
        call.write({ window_start_ms: w.window_start_ms ?? "0" });
        notify();
      });
    },
  });

  addOtlpTraceService(server, spanSink);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  function waitFor<T>(list: readonly T[], pred: (x: T) => boolean, from: number, timeoutMs: number, what: string | (() => string)): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let checked = from;
      const check = () => {
        for (; checked < list.length; checked++) {
          if (pred(list[checked]!)) {
            cleanup();
            resolve(list[checked]!);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`ads-test-server: timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}; seen: ${JSON.stringify(list.slice(from)).slice(0, 2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  return {
    address: `127.0.0.1:${port}`,
    port,
    set(typeUrl, list, version) {
      const v = version ?? `v${++versionSeq}`;
      resources.set(typeUrl, { version: v, list });
      for (const st of streams) if (st.names.has(typeUrl)) send(st, typeUrl);
      return v;
    },
    version: (typeUrl) => resources.get(typeUrl)?.version,
    requests,
    reports,
    get spans() {
      return spanSink.spans;
    },
    get exports() {
      return spanSink.exports;
    },
    waitForSpans: spanSink.waitForSpans,
    waitForRequest: (pred, o = {}) => waitFor(requests, pred, o.from ?? 0, o.timeoutMs ?? 5000, "a matching xDS request"),
    waitForAck: (typeUrl, version, o = {}) =>
      waitFor(requests, (r) => r.kind === "ack" && r.typeUrl === typeUrl && r.versionInfo === version, o.from ?? 0, o.timeoutMs ?? 5000, `ACK of ${typeUrl} ${version}`),
    waitForNack: (typeUrl, o = {}) =>
      waitFor(requests, (r) => r.kind === "nack" && r.typeUrl === typeUrl, o.from ?? 0, o.timeoutMs ?? 5000, `NACK of ${typeUrl}`),
    waitForReport: (pred, o = {}) =>
      waitFor(reports, pred, o.from ?? 0, o.timeoutMs ?? 5000, () => `a matching telemetry report${reportErrors.length > 0 ? ` (reports refused as out of contract: ${reportErrors.at(-1)})` : ""}`),
    openStreams: () => streams.size,
    dropStreams() {
      const unavailable = { code: grpc.status.UNAVAILABLE, details: "ads-test-server dropped the stream" };
      for (const st of [...streams]) {
        streams.delete(st);
        st.call.emit("error", unavailable);
      }
      for (const call of [...telemetryCalls]) {
        telemetryCalls.delete(call);
        call.emit("error", unavailable);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of [...waiters]) waiters.delete(w);
        spanSink.close();
        server.forceShutdown();
        resolve();
      }),
  };
}
