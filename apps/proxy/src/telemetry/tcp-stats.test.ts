import { describe, expect, it } from "vitest";
import type { TcpConnectionRecord } from "../core/events";
import { snapshotFrom } from "../../test/support/runtime";
import { assignment, edsCluster } from "../../test/support/xds-fixtures";
import { createTcpStats } from "./tcp-stats";

const SELF = { service: "api", namespace: "shop", version: "v1" };
// A whole-service cluster and its version clusters, as the controller sends them: the endpoint's version is learnt.
const config = {
  current: snapshotFrom({
    clusters: [edsCluster("db.shop"), edsCluster("db.shop|v2")],
    endpoints: [assignment("db.shop", [{ port: 5432 }]), assignment("db.shop|v2", [{ port: 5432 }])],
  }),
};

function connection(over: Partial<TcpConnectionRecord> = {}): TcpConnectionRecord {
  return { direction: "outbound", listener: "weft.outbound.tcp|db.shop", cluster: "db.shop", endpoint: "127.0.0.1:5432", peer: undefined, bytesFromDownstream: 0, bytesToDownstream: 0, durationMs: 0, errorCode: undefined, ...over };
}

describe("TCP stats", () => {
  it("counts opens and closes and the bytes of open connections each window (live records), labelled with the endpoint's version", () => {
    const stats = createTcpStats({ self: SELF, config });
    const c = connection();
    stats.open(c);
    c.bytesFromDownstream = 100;
    c.bytesToDownstream = 1000;
    expect(stats.takeWindow().tcp).toEqual([
      {
        direction: "outbound", sourceService: "api", sourceNamespace: "shop", destinationService: "db", destinationNamespace: "shop", destinationVersion: "v2",
        connectionsOpened: 1, connectionsClosed: 0, bytesSent: 100, bytesReceived: 1000,
      },
    ]);
    c.bytesFromDownstream = 150;
    stats.close(c);
    expect(stats.takeWindow().tcp).toMatchObject([{ connectionsOpened: 0, connectionsClosed: 1, bytesSent: 50, bytesReceived: 0 }]);
    expect(stats.takeWindow().tcp).toEqual([]);
    expect(stats.openConnections).toBe(0);
    const [series] = [...stats.series()];
    expect(series).toMatchObject({ opened: 1, closed: 1, sent: 150, received: 1000 });
  });

  it("inbound: the source is the peer's SPIFFE identity (or external), the destination this sidecar", () => {
    const stats = createTcpStats({ self: SELF, config });
    const mtls = connection({ direction: "inbound", listener: "weft.inbound", cluster: "weft.inbound|local", peer: "spiffe://weft.local/ns/shop/sa/web" });
    const plain = connection({ direction: "inbound", listener: "weft.inbound", cluster: "weft.inbound|local" });
    for (const c of [mtls, plain]) {
      stats.open(c);
      stats.close(c);
    }
    expect(stats.takeWindow().tcp.map((t) => [t.sourceService, t.sourceNamespace, t.destinationService, t.destinationVersion])).toEqual([
      ["web", "shop", "api", "v1"],
      ["external", "", "api", "v1"],
    ]);
  });

  it("a connection that failed before an endpoint was chosen is opened and closed once, destination unknown when the cluster is", () => {
    const stats = createTcpStats({ self: SELF, config });
    const c = connection({ cluster: "ghost.shop", endpoint: "", errorCode: "WEFT_CLUSTER_NOT_FOUND" });
    stats.open(c);
    stats.close(c);
    expect(stats.takeWindow().tcp).toMatchObject([{ destinationService: "unknown", connectionsOpened: 1, connectionsClosed: 1 }]);
  });

  it("caps series (overflow, dropped series counted) and merges an undelivered window back", () => {
    const stats = createTcpStats({ self: SELF, config, maxSeries: 1 });
    for (const peer of ["a", "b", "c"]) {
      const c = connection({ direction: "inbound", peer: `spiffe://weft.local/ns/shop/sa/${peer}` });
      stats.open(c);
      stats.close(c);
    }
    const window = stats.takeWindow();
    expect(window.droppedSeries).toBe(2);
    expect(window.tcp.find((t) => t.sourceService === "overflow")).toMatchObject({ connectionsOpened: 2, connectionsClosed: 2 });
    stats.restoreWindow(window);
    const again = stats.takeWindow();
    expect(again.droppedSeries).toBe(2);
    expect(again.tcp.reduce((n, t) => n + t.connectionsOpened, 0)).toBe(3);
    expect(stats.size).toBe(2);
  });
});
