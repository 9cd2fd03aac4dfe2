// Stand-ins for sidecars, for journeys that need a connected proxy or live traffic before the demo
// runs in the e2e stack: each opens a real ADS stream (ACKing, or NACKing one type on request) and
// a real telemetry stream that reports a fixed call pattern with jittered rates every second.
import { credentials, type ClientDuplexStream } from "@grpc/grpc-js";
import { LATENCY_BUCKETS_MS } from "@weft/contracts";
import { jsonToStruct, TypeName, TypeUrl } from "@weft/contracts/proto";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";

export interface FakeEdge {
  direction: "inbound" | "outbound";
  source: string; // service name or "external"
  sourceVersion?: string;
  destination: string;
  destinationVersion: string;
  /** Mean requests per second; each report jitters it by ±20%. */
  rps: number;
  /** Fraction of requests that fail (5xx). */
  errorRate?: number;
  /** Typical latency in ms (the p99 lands a bucket or two above). */
  latencyMs?: number;
}

export interface FakeSidecarOptions {
  xdsAddress: string;
  service: string;
  version: string;
  namespace?: string;
  nodeId?: string;
  edges?: FakeEdge[];
  /** Reject this xDS type ("CDS" | "EDS" | "LDS" | "RDS") with `nackReason` instead of ACKing it. */
  nack?: { type: "CDS" | "EDS" | "LDS" | "RDS"; reason: string };
}

export interface FakeSidecar {
  nodeId: string;
  close(): void;
}

const SHORT_TO_URL = { CDS: TypeUrl.Cluster, EDS: TypeUrl.ClusterLoadAssignment, LDS: TypeUrl.Listener, RDS: TypeUrl.RouteConfiguration } as const;

interface DiscoveryResponse {
  version_info: string;
  type_url: string;
  nonce: string;
  resources?: Array<{ type_url: string; value: Buffer }>;
}

export function startFakeSidecar(opts: FakeSidecarOptions): FakeSidecar {
  const protos = loadGrpcJsProtos();
  const namespace = opts.namespace ?? "e2e";
  const nodeId = opts.nodeId ?? `${opts.service}-${opts.version}-fake`;
  const port = 40000 + Math.floor(Math.random() * 10000);
  const node = {
    id: nodeId,
    cluster: opts.service,
    user_agent_name: "weft-e2e-fake-sidecar",
    user_agent_version: "0.0.0",
    metadata: jsonToStruct({
      weft: {
        service: opts.service,
        namespace,
        version: opts.version,
        servicePort: 9080,
        inbound: { address: "127.0.0.1", port },
        outbound: { address: "127.0.0.1", port: port + 1 },
        app: { address: "127.0.0.1", port: port + 2 },
        adminPort: port + 3,
        // Do not register an endpoint: the journeys assert on the endpoints they seeded.
        register: false,
        proxyVersion: "e2e-fake",
      },
    }),
  };

  const ads = new protos.ads(opts.xdsAddress, credentials.createInsecure());
  const call = (ads as unknown as { StreamAggregatedResources(): ClientDuplexStream<object, DiscoveryResponse> }).StreamAggregatedResources();
  call.on("error", () => {});
  const acked = new Map<string, string>();
  const names = new Map<string, string[]>([
    [TypeUrl.Cluster, []],
    [TypeUrl.Listener, []],
    [TypeUrl.RouteConfiguration, ["weft.inbound", "weft.outbound"]],
    [TypeUrl.ClusterLoadAssignment, []],
  ]);
  let first = true;
  const request = (typeUrl: string, extra: object = {}) => {
    call.write({ type_url: typeUrl, resource_names: names.get(typeUrl) ?? [], ...(first ? { node } : {}), ...extra });
    first = false;
  };
  call.on("data", (res: DiscoveryResponse) => {
    const nackedType = opts.nack ? SHORT_TO_URL[opts.nack.type] : undefined;
    if (res.type_url === nackedType) {
      request(res.type_url, { version_info: acked.get(res.type_url) ?? "", response_nonce: res.nonce, error_detail: { code: 3, message: opts.nack!.reason } });
      return;
    }
    acked.set(res.type_url, res.version_info);
    request(res.type_url, { version_info: res.version_info, response_nonce: res.nonce });
    if (res.type_url === TypeUrl.Cluster) {
      // Subscribe to the endpoints of every cluster we were sent, as a sidecar does.
      const clusters = (res.resources ?? []).map((r) => protos.decode<{ name: string }>(TypeName.Cluster, r.value).name);
      const eds = clusters.filter((c) => !c.startsWith("weft.")).sort();
      if (eds.join() !== (names.get(TypeUrl.ClusterLoadAssignment) ?? []).join()) {
        names.set(TypeUrl.ClusterLoadAssignment, eds);
        request(TypeUrl.ClusterLoadAssignment, { version_info: acked.get(TypeUrl.ClusterLoadAssignment) ?? "" });
      }
    }
  });
  for (const t of [TypeUrl.Cluster, TypeUrl.Listener, TypeUrl.RouteConfiguration]) request(t);

  // Telemetry: one report per second of the configured edges.
  const telemetry = new protos.telemetry(opts.xdsAddress, credentials.createInsecure());
  const report = (telemetry as unknown as { Report(): ClientDuplexStream<object, object> }).Report();
  report.on("error", () => {});
  report.on("data", () => {});
  const edgeSample = (e: FakeEdge, windowMs: number) => {
    const requests = Math.max(1, Math.round(e.rps * (windowMs / 1000) * (0.8 + Math.random() * 0.4)));
    let failures = 0;
    for (let i = 0; i < requests; i++) if (Math.random() < (e.errorRate ?? 0)) failures++;
    const latency = e.latencyMs ?? 12;
    const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
    for (let i = 0; i < requests; i++) {
      const ms = latency * (i % 50 === 49 ? 4 : 0.6 + Math.random() * 0.8);
      const b = LATENCY_BUCKETS_MS.findIndex((ub) => ms <= ub);
      buckets[b < 0 ? LATENCY_BUCKETS_MS.length : b]!++;
    }
    return {
      direction: e.direction,
      source_service: e.source,
      source_namespace: e.source === "external" ? "" : namespace,
      source_version: e.sourceVersion ?? "",
      destination_service: e.destination,
      destination_namespace: namespace,
      destination_version: e.destinationVersion,
      route: "default",
      status_class: failures > 0 ? "5xx" : "2xx",
      requests: String(requests),
      failures: String(failures),
      duration_sum_ms: requests * latency,
      duration_buckets: buckets.map(String),
      request_bytes: String(requests * 200),
      response_bytes: String(requests * 1500),
    };
  };
  const tick = () => {
    const windowMs = 1000;
    const now = Date.now();
    report.write({
      node_id: nodeId,
      service: opts.service,
      namespace,
      version: opts.version,
      window_start_ms: String(now - windowMs),
      window_ms: windowMs,
      edges: (opts.edges ?? []).map((e) => edgeSample(e, windowMs)),
    });
  };
  tick();
  const timer = setInterval(tick, 1000);

  return {
    nodeId,
    close() {
      clearInterval(timer);
      report.end();
      call.end();
      telemetry.close();
      ads.close();
    },
  };
}

/**
 * A small bookinfo-like call pattern over the seeded services: external → productpage →
 * (reviews v1/v2, details); reviews → ratings. `reviewsV2Share` sets how much reviews traffic v2 gets.
 */
export function startFakeMesh(xdsAddress: string, opts: { reviewsV2Share?: number; nackRatings?: string } = {}): FakeSidecar[] {
  // Fresh node ids per mesh, so a second mesh in the same run is not mistaken for the first.
  const run = Math.random().toString(36).slice(2, 6);
  const id = (s: string) => `${s}-fake-${run}`;
  const share = opts.reviewsV2Share ?? 0.2;
  const ingress = 40;
  return [
    startFakeSidecar({
      xdsAddress,
      nodeId: id("productpage-v1"),
      service: "productpage",
      version: "v1",
      edges: [
        { direction: "inbound", source: "external", destination: "productpage", destinationVersion: "v1", rps: ingress, latencyMs: 30 },
        { direction: "outbound", source: "productpage", sourceVersion: "v1", destination: "reviews", destinationVersion: "v1", rps: ingress * (1 - share), latencyMs: 14 },
        { direction: "outbound", source: "productpage", sourceVersion: "v1", destination: "reviews", destinationVersion: "v2", rps: ingress * share, latencyMs: 22, errorRate: 0.03 },
        { direction: "outbound", source: "productpage", sourceVersion: "v1", destination: "details", destinationVersion: "v1", rps: ingress, latencyMs: 6 },
      ],
    }),
    startFakeSidecar({
      xdsAddress,
      nodeId: id("reviews-v1"),
      service: "reviews",
      version: "v1",
      edges: [
        { direction: "inbound", source: "productpage", sourceVersion: "v1", destination: "reviews", destinationVersion: "v1", rps: ingress * (1 - share) },
        { direction: "outbound", source: "reviews", sourceVersion: "v1", destination: "ratings", destinationVersion: "v1", rps: ingress * (1 - share) * 0.5, latencyMs: 4 },
      ],
    }),
    startFakeSidecar({
      xdsAddress,
      nodeId: id("reviews-v2"),
      service: "reviews",
      version: "v2",
      edges: [
        { direction: "inbound", source: "productpage", sourceVersion: "v1", destination: "reviews", destinationVersion: "v2", rps: ingress * share, errorRate: 0.03 },
        { direction: "outbound", source: "reviews", sourceVersion: "v2", destination: "ratings", destinationVersion: "v1", rps: ingress * share, latencyMs: 4 },
      ],
    }),
    startFakeSidecar({
      xdsAddress,
      nodeId: id("details-v1"),
      service: "details",
      version: "v1",
      edges: [{ direction: "inbound", source: "productpage", sourceVersion: "v1", destination: "details", destinationVersion: "v1", rps: ingress }],
    }),
    startFakeSidecar({
      xdsAddress,
      nodeId: id("ratings-v1"),
      service: "ratings",
      version: "v1",
      edges: [{ direction: "inbound", source: "reviews", destination: "ratings", destinationVersion: "v1", rps: ingress * 0.5 }],
      ...(opts.nackRatings ? { nack: { type: "RDS" as const, reason: opts.nackRatings } } : {}),
    }),
  ];
}
