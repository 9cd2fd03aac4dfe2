// Starts every path the benchmark measures, on loopback, and describes each as a target: where
// the load goes (port + Host header) and which processes are "the proxy" for CPU and memory.
// Proxies run on PROXY_CPU; the upstream, the controller, load generators and the harness on LOAD_CPU.
import { BODY_PATH, makeCerts, startMtlsPair, startReverseProxy, startUpstream } from "./nginx";
import { DIRECT_SERVICE, MESH_SERVICE, startMesh, type Mesh } from "./mesh";
import { probe } from "./probe";
import { freePort, waitUntil, type ProcessGroup } from "./processes";
import { withChildren } from "./proc-stats";
import type { TargetKey } from "./report";

export const PROXY_CPU = 0;
export const LOAD_CPU = 1;

export interface Target {
  key: TargetKey;
  port: number;
  hostHeader: string;
  /** The proxy's processes right now (nginx: master + worker); empty for the direct path. */
  pids(): number[];
}

export interface Topology {
  targets: Target[];
  /** The upstream nginx (master + worker). */
  upstreamPids(): number[];
  mesh: Mesh | undefined;
}

export interface TopologyOptions {
  group: ProcessGroup;
  root: string;
  repoRoot: string;
  only: ReadonlySet<TargetKey>;
  /** Extra node flags for the sidecars (profiling). */
  sidecarNodeArgs?: string[];
}

async function answers(port: number, host: string): Promise<boolean> {
  return (await probe(port, BODY_PATH, host)).status === 200;
}

export async function startTopology(o: TopologyOptions): Promise<Topology> {
  const { group, root } = o;
  const upstreamPort = await freePort();
  const upstream = startUpstream(group, root, upstreamPort, LOAD_CPU);
  await waitUntil("the upstream nginx", 10_000, () => answers(upstreamPort, "localhost"), group);
  const targets: Target[] = [{ key: "direct", port: upstreamPort, hostHeader: "localhost", pids: () => [] }];

  if (o.only.has("nginx")) {
    const port = await freePort();
    const proxy = startReverseProxy(group, root, port, upstreamPort, PROXY_CPU);
    await waitUntil("nginx as a reverse proxy", 10_000, () => answers(port, "localhost"), group);
    targets.push({ key: "nginx", port, hostHeader: "localhost", pids: () => withChildren(proxy.pid) });
  }
  if (o.only.has("nginx-mtls")) {
    const [front, back] = [await freePort(), await freePort()];
    const [f, b] = startMtlsPair(group, root, front, back, upstreamPort, makeCerts(root), PROXY_CPU);
    await waitUntil("the nginx mTLS pair", 10_000, () => answers(front, "localhost"), group);
    targets.push({ key: "nginx-mtls", port: front, hostHeader: "localhost", pids: () => [...withChildren(f!.pid), ...withChildren(b!.pid)] });
  }
  let mesh: Mesh | undefined;
  if (o.only.has("weft") || o.only.has("weft-mtls") || o.only.has("weft-traced")) {
    mesh = await startMesh({
      group,
      root,
      repoRoot: o.repoRoot,
      upstreamPort,
      proxyCpu: PROXY_CPU,
      infraCpu: LOAD_CPU,
      traced: o.only.has("weft-traced"),
      ...(o.sidecarNodeArgs ? { sidecarNodeArgs: o.sidecarNodeArgs } : {}),
    });
    const m = mesh;
    if (o.only.has("weft")) targets.push({ key: "weft", port: m.client.outboundPort, hostHeader: DIRECT_SERVICE, pids: () => [m.client.pid] });
    if (m.traced) {
      const t = m.traced;
      targets.push({ key: "weft-traced", port: t.outboundPort, hostHeader: DIRECT_SERVICE, pids: () => [t.pid] });
    }
    if (o.only.has("weft-mtls")) targets.push({ key: "weft-mtls", port: m.client.outboundPort, hostHeader: MESH_SERVICE, pids: () => [m.client.pid, m.server.pid] });
  }
  // Table order: baselines first, each proxy after its baseline.
  const order: TargetKey[] = ["direct", "nginx", "weft", "weft-traced", "nginx-mtls", "weft-mtls"];
  targets.sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key));
  return { targets, mesh, upstreamPids: () => withChildren(upstream.pid) };
}
