// Outbound TCP listeners (`weft.outbound.tcp|<service>.<namespace>` on 127.0.0.1:<service port>):
// bound when LDS adds them — before the update is ACKed, so a port that cannot be bound is a NACK
// naming it — and closed when LDS removes them: no new connections, open ones may finish for the
// drain period, then they are cut. The config of a kept listener is swapped in place.
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import type { Clock } from "../core/clock";
import type { ListenerConfig } from "../core/runtime-config";
import { NackError } from "../discovery/translate/wire";
import type { TcpProxy } from "./tcp-proxy";

export interface TcpListenerStatus {
  name: string;
  address: string;
  port: number;
  cluster: string;
  connections: number;
}

export interface TcpListeners {
  /** Binds what `next` adds (throws NackError naming the port, leaving everything as it was); the returned commit applies the rest. */
  prepare(next: ReadonlyMap<string, ListenerConfig>): Promise<() => void>;
  status(): TcpListenerStatus[];
  /** Closes every listener and cuts open connections after `drainMs`. */
  close(drainMs: number): Promise<void>;
}

interface Entry {
  config: ListenerConfig;
  server: Server;
  sockets: Set<Socket>;
}

/** Connections of a removed listener may run this long, ms. */
export const TCP_LISTENER_DRAIN_MS = 5_000;

export function createTcpListeners(options: { proxy: TcpProxy; logger: Logger; clock: Clock; drainMs?: number }): TcpListeners {
  const { proxy, logger, clock } = options;
  const drainMs = options.drainMs ?? TCP_LISTENER_DRAIN_MS;
  let entries = new Map<string, Entry>();

  function newEntry(config: ListenerConfig): Entry {
    const entry: Entry = { config, server: createServer({ allowHalfOpen: true }), sockets: new Set() };
    entry.server.on("connection", (socket: Socket) => {
      entry.sockets.add(socket);
      socket.once("close", () => entry.sockets.delete(socket));
      socket.setNoDelay(true);
      // The config read now applies to this connection for its whole life.
      proxy(socket, entry.config.transport.chains[0]!, undefined, entry.config.name);
    });
    return entry;
  }

  function bind(entry: Entry): Promise<void> {
    const { address, port, name } = entry.config;
    return new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        entry.server.off("listening", onListening);
        reject(new NackError(`listener "${name}"`, `cannot bind ${address}:${port}: ${err.code ?? err.message}`));
      };
      const onListening = () => {
        entry.server.off("error", onError);
        resolve();
      };
      entry.server.once("error", onError).once("listening", onListening);
      entry.server.listen(port, address);
    });
  }

  function retire(entry: Entry): void {
    entry.server.close();
    if (entry.sockets.size === 0) return;
    clock.setTimeout(() => {
      for (const s of entry.sockets) s.destroy();
    }, drainMs);
  }

  return {
    async prepare(next) {
      const byPort = new Map<string, Entry>();
      for (const e of entries.values()) byPort.set(`${e.config.address}:${e.config.port}`, e);
      const result = new Map<string, Entry>();
      const bound: Entry[] = [];
      try {
        for (const [name, config] of next) {
          // Same address and port as a current listener (even under another name): keep its socket.
          const existing = byPort.get(`${config.address}:${config.port}`);
          if (existing !== undefined) {
            result.set(name, existing);
            continue;
          }
          const entry = newEntry(config);
          await bind(entry);
          bound.push(entry);
          result.set(name, entry);
        }
      } catch (err) {
        for (const e of bound) e.server.close();
        throw err;
      }
      return () => {
        const kept = new Set(result.values());
        for (const e of entries.values()) if (!kept.has(e)) retire(e);
        for (const [name, e] of result) e.config = next.get(name)!;
        entries = result;
        for (const e of bound) logger.info({ listener: e.config.name, address: e.config.address, port: e.config.port }, "outbound TCP listener bound");
      };
    },
    status() {
      return [...entries.values()].map((e) => ({
        name: e.config.name,
        address: e.config.address,
        port: e.config.port,
        cluster: e.config.transport.chains[0]?.tcpCluster ?? "",
        connections: e.sockets.size,
      }));
    },
    async close(closeDrainMs) {
      const all = [...entries.values()];
      entries = new Map();
      await Promise.all(
        all.map(
          (e) =>
            new Promise<void>((resolve) => {
              e.server.close(() => resolve());
              if (closeDrainMs <= 0) for (const s of e.sockets) s.destroy();
              else setTimeout(() => e.sockets.forEach((s) => s.destroy()), closeDrainMs).unref();
            }),
        ),
      );
    },
  };
}
