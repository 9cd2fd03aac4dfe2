// TCP connection statistics by TCP_LABELS (direction, source, destination service/namespace/version):
// connections opened and closed, bytes each way — cumulative for /metrics, deltas per report window.
// Bytes count while a connection is open: each window and scrape first collect what open
// connections moved since the last look (their records are live), so a long-lived database
// connection shows its traffic before it closes. Series are capped like request series.
import type { TcpSample, WorkloadIdentity } from "@weft/contracts";
import type { TcpConnectionRecord } from "../core/events";
import { EXTERNAL, UNKNOWN } from "../core/request-context";
import type { ConfigSource, Direction } from "../core/runtime-config";
import { parseSpiffeId } from "../identity/spiffe";

export interface TcpLabels {
  readonly direction: Direction;
  readonly sourceService: string;
  readonly sourceNamespace: string;
  readonly destinationService: string;
  readonly destinationNamespace: string;
  readonly destinationVersion: string;
}

export const MAX_TCP_SERIES = 500;
const MAX_REFUSED_TRACKED = 1_024;

export class TcpSeries {
  opened = 0;
  closed = 0;
  /** Bytes towards the destination. */
  sent = 0;
  /** Bytes from the destination. */
  received = 0;
  wOpened = 0;
  wClosed = 0;
  wSent = 0;
  wReceived = 0;
  constructor(readonly labels: TcpLabels) {}
}

interface OpenConnection {
  series: TcpSeries;
  /** Bytes already counted. */
  sent: number;
  received: number;
}

export interface TcpWindow {
  tcp: TcpSample[];
  droppedSeries: number;
}

export interface TcpStats {
  open(record: TcpConnectionRecord): void;
  close(record: TcpConnectionRecord): void;
  series(): Iterable<TcpSeries>;
  takeWindow(): TcpWindow;
  restoreWindow(window: TcpWindow): void;
  readonly size: number;
  readonly maxSeries: number;
  /** Connections currently open. */
  readonly openConnections: number;
}

export function createTcpStats(options: { self: WorkloadIdentity; config: ConfigSource; maxSeries?: number }): TcpStats {
  const { self, config } = options;
  const maxSeries = options.maxSeries ?? MAX_TCP_SERIES;
  const map = new Map<string, TcpSeries>();
  const open = new Map<TcpConnectionRecord, OpenConnection>();
  const refused = new Set<string>();
  let refusedUntracked = 0;
  let carriedDropped = 0;

  function identities(r: TcpConnectionRecord): [WorkloadIdentity, WorkloadIdentity] {
    if (r.direction === "inbound") {
      const peer = r.peer === undefined ? undefined : parseSpiffeId(r.peer);
      return [peer ? { service: peer.service, namespace: peer.namespace, version: "" } : EXTERNAL, self];
    }
    const cluster = config.current.clusters.get(r.cluster);
    const destination = cluster === undefined ? UNKNOWN : (cluster.destinationOf.get(r.endpoint) ?? cluster.destination ?? UNKNOWN);
    return [self, destination];
  }

  function seriesFor(labels: TcpLabels): TcpSeries {
    const key = `${labels.direction}\u0001${labels.sourceService}\u0001${labels.sourceNamespace}\u0001${labels.destinationService}\u0001${labels.destinationNamespace}\u0001${labels.destinationVersion}`;
    let series = map.get(key);
    if (series !== undefined) return series;
    const isOverflow = labels.sourceService === "overflow";
    if (isOverflow || map.size >= maxSeries) {
      if (!isOverflow) {
        if (refused.size < MAX_REFUSED_TRACKED) refused.add(key);
        else if (!refused.has(key)) refusedUntracked++;
      }
      const overflowKey = `${labels.direction}\u0001overflow`;
      series = map.get(overflowKey);
      if (series === undefined) {
        series = new TcpSeries({ direction: labels.direction, sourceService: "overflow", sourceNamespace: "", destinationService: "overflow", destinationNamespace: "", destinationVersion: "" });
        map.set(overflowKey, series);
      }
      return series;
    }
    series = new TcpSeries(labels);
    map.set(key, series);
    return series;
  }

  function seriesOfRecord(r: TcpConnectionRecord): TcpSeries {
    const [source, destination] = identities(r);
    return seriesFor({
      direction: r.direction,
      sourceService: source.service,
      sourceNamespace: source.namespace,
      destinationService: destination.service,
      destinationNamespace: destination.namespace,
      destinationVersion: destination.version,
    });
  }

  function collect(record: TcpConnectionRecord, c: OpenConnection): void {
    const sent = record.bytesFromDownstream - c.sent;
    const received = record.bytesToDownstream - c.received;
    c.sent = record.bytesFromDownstream;
    c.received = record.bytesToDownstream;
    c.series.sent += sent;
    c.series.wSent += sent;
    c.series.received += received;
    c.series.wReceived += received;
  }

  function sweep(): void {
    for (const [record, c] of open) collect(record, c);
  }

  return {
    open(record) {
      const series = seriesOfRecord(record);
      series.opened++;
      series.wOpened++;
      open.set(record, { series, sent: 0, received: 0 });
    },
    close(record) {
      let c = open.get(record);
      if (c === undefined) {
        // Opened before telemetry listened: count it now.
        c = { series: seriesOfRecord(record), sent: 0, received: 0 };
        c.series.opened++;
        c.series.wOpened++;
      }
      open.delete(record);
      collect(record, c);
      c.series.closed++;
      c.series.wClosed++;
    },
    series() {
      sweep();
      return map.values();
    },
    takeWindow() {
      sweep();
      const tcp: TcpSample[] = [];
      for (const s of map.values()) {
        if (s.wOpened === 0 && s.wClosed === 0 && s.wSent === 0 && s.wReceived === 0) continue;
        tcp.push({ ...s.labels, connectionsOpened: s.wOpened, connectionsClosed: s.wClosed, bytesSent: s.wSent, bytesReceived: s.wReceived });
        s.wOpened = s.wClosed = s.wSent = s.wReceived = 0;
      }
      const droppedSeries = refused.size + refusedUntracked + carriedDropped;
      refused.clear();
      refusedUntracked = carriedDropped = 0;
      return { tcp, droppedSeries };
    },
    restoreWindow(window) {
      for (const t of window.tcp) {
        const series = seriesFor({
          direction: t.direction, sourceService: t.sourceService, sourceNamespace: t.sourceNamespace,
          destinationService: t.destinationService, destinationNamespace: t.destinationNamespace, destinationVersion: t.destinationVersion,
        });
        series.wOpened += t.connectionsOpened;
        series.wClosed += t.connectionsClosed;
        series.wSent += t.bytesSent;
        series.wReceived += t.bytesReceived;
      }
      carriedDropped += window.droppedSeries;
    },
    get size() {
      return map.size;
    },
    maxSeries,
    get openConnections() {
      return open.size;
    },
  };
}
