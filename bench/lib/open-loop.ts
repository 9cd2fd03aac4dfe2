// A constant-rate (open-loop) HTTP/1.1 load generator for latency at a fixed request rate: request
// i is due at t0 + i/rate whatever happened to earlier ones. wrk is closed-loop (each connection
// waits for its answer), so it cannot hold a rate. Raw keep-alive sockets and a minimal response
// parser keep the generator's own cost (and noise) far below a proxy's; the same code measures the
// direct path and every proxy, so the differences are the proxies'.
// Latency = answer fully received − request written; a request that found no free connection
// (all `maxConnections` busy) counts from the moment it was due (no coordinated omission).
import { connect, type Socket } from "node:net";

export interface OpenLoopOptions {
  port: number;
  path: string;
  hostHeader: string;
  /** Requests per second. */
  rate: number;
  /** Measured interval, ms (after the warm-up). */
  durationMs: number;
  /** Sent at the same rate but not recorded, ms: opens connections, warms JITs. */
  warmupMs: number;
  /** Connections opened on demand up to this many; beyond, requests queue. */
  maxConnections: number;
  /** How long to wait for the last answers after the last request was sent, ms. */
  drainMs?: number;
  /** Called when the measured interval starts (first recorded request due) and ends (last one sent). */
  onMeasure?: (phase: "start" | "end") => void;
}

export interface OpenLoopResult {
  /** Recorded latencies, ms, sorted ascending. */
  latenciesMs: Float64Array;
  sent: number;
  /** Answers other than 200 with the expected body, connection errors, unanswered at the end. */
  errors: number;
  connections: number;
  /** Achieved rate over the measured interval, requests/s. */
  achievedRate: number;
  /** Wall-clock span of the measured interval, s (for CPU accounting). */
  measuredSeconds: number;
  /** How late the generator sent measured requests (its own scheduling delay), ms: p99 and max. */
  sendLagP99Ms: number;
  sendLagMaxMs: number;
}

const HEADER_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");

/** One keep-alive connection and the parse state of the answer it is waiting for. */
class Conn {
  busy = false;
  since = 0;
  record = false;
  private pending: Buffer | undefined;
  /** 0 = headers, 1 = content-length body, 2 = chunk size line, 3 = chunk data (+CRLF), 4 = trailers. */
  private state = 0;
  private remaining = 0;
  private ok = false;
  readonly socket: Socket;

  constructor(port: number, private readonly done: (c: Conn, ok: boolean) => void, onDead: (c: Conn) => void) {
    this.socket = connect({ port, host: "127.0.0.1", noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const dead = () => {
      if (this.busy) {
        this.busy = false;
        this.done(this, false);
      }
      onDead(this);
    };
    this.socket.on("error", dead);
    this.socket.on("close", dead);
  }

  send(request: Buffer, since: number, record: boolean): void {
    this.busy = true;
    this.since = since;
    this.record = record;
    this.state = 0;
    this.pending = undefined;
    this.socket.write(request);
  }

  private finish(): void {
    this.busy = false;
    this.pending = undefined;
    this.done(this, this.ok);
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (this.busy && at < buf.length) {
      if (this.state === 0) {
        const end = buf.indexOf(HEADER_END, at);
        if (end < 0) break;
        const head = buf.toString("latin1", at, end);
        at = end + 4;
        this.ok = head.startsWith("HTTP/1.1 200");
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (cl) {
          this.remaining = Number(cl[1]);
          this.state = 1;
          if (this.remaining === 0) this.finish();
        } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
          this.state = 2;
        } else {
          this.ok = false; // no framing we can follow: treat as an error and drop the connection
          this.finish();
          this.socket.destroy();
          return;
        }
      } else if (this.state === 1) {
        const take = Math.min(this.remaining, buf.length - at);
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.finish();
      } else if (this.state === 2 || this.state === 4) {
        const eol = buf.indexOf(CRLF, at);
        if (eol < 0) break;
        const line = buf.toString("latin1", at, eol);
        at = eol + 2;
        if (this.state === 4) {
          if (line === "") this.finish();
        } else {
          this.remaining = parseInt(line, 16);
          if (this.remaining === 0) this.state = 4;
          else {
            this.remaining += 2; // the chunk's trailing CRLF
            this.state = 3;
          }
        }
      } else {
        const take = Math.min(this.remaining, buf.length - at);
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.state = 2;
      }
    }
    if (this.busy && at < buf.length) this.pending = buf.subarray(at);
  }
}

export async function runOpenLoop(o: OpenLoopOptions): Promise<OpenLoopResult> {
  const request = Buffer.from(`GET ${o.path} HTTP/1.1\r\nHost: ${o.hostHeader}\r\nUser-Agent: weft-bench\r\n\r\n`, "latin1");
  const period = 1000 / o.rate;
  const warmupCount = Math.round((o.warmupMs / 1000) * o.rate);
  const total = warmupCount + Math.round((o.durationMs / 1000) * o.rate);
  const latencies = new Float64Array(total - warmupCount);
  const lags = new Float64Array(total - warmupCount);
  let recorded = 0;
  let errors = 0;
  let answered = 0;
  let opened = 0;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  /** Requests due while every connection was busy: their due times. */
  const queue: Array<{ due: number; record: boolean }> = [];

  const onDone = (c: Conn, ok: boolean) => {
    answered++;
    if (ok) {
      if (c.record) latencies[recorded++] = performance.now() - c.since;
    } else errors++;
    if (!all.has(c) || c.socket.destroyed) return;
    const next = queue.shift();
    if (next) c.send(request, next.due, next.record);
    else idle.push(c);
  };
  const onDead = (c: Conn) => {
    all.delete(c);
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
  };
  const dispatch = (due: number, record: boolean) => {
    const c = idle.pop();
    if (c) return c.send(request, performance.now(), record);
    if (all.size < o.maxConnections) {
      const fresh = new Conn(o.port, onDone, onDead);
      opened++;
      all.add(fresh);
      // Connection set-up is part of this request's latency (only ever during the warm-up, normally).
      return fresh.send(request, due, record);
    }
    queue.push({ due, record });
  };

  const t0 = performance.now();
  let next = 0;
  let measureStart = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * period <= now) {
        if (next === warmupCount) {
          o.onMeasure?.("start");
          measureStart = performance.now();
        }
        const due = t0 + next * period;
        if (next >= warmupCount) lags[next - warmupCount] = now - due;
        dispatch(due, next >= warmupCount);
        next++;
      }
      if (next >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    // 1 ms ticks: every request due since the last tick is sent (timers cannot fire finer).
    const timer = setInterval(tick, 1);
  });
  const measureEnd = performance.now();
  o.onMeasure?.("end");
  const drainUntil = Date.now() + (o.drainMs ?? 5000);
  while (answered < total && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  const unanswered = total - answered;
  for (const c of all) c.socket.destroy();
  const sorted = latencies.slice(0, recorded).sort();
  const measuredSeconds = (measureEnd - measureStart) / 1000;
  lags.sort();
  return {
    sendLagP99Ms: percentile(lags, 99),
    sendLagMaxMs: lags[lags.length - 1] ?? NaN,
    latenciesMs: sorted,
    sent: total,
    errors: errors + unanswered,
    connections: opened,
    achievedRate: (total - warmupCount) / measuredSeconds,
    measuredSeconds,
  };
}

/** The p-th percentile (0..100) of sorted values (nearest rank). */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
