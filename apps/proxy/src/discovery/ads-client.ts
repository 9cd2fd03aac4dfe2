// ADS client (state of the world) over one bidi gRPC stream: subscribes CDS and LDS (wildcard:
// the node's listeners include one per TCP service), then EDS/RDS for the names the accepted
// CDS/LDS reference. Responses are applied one at a time (applying LDS may bind TCP listeners).
// Every response is ACKed or NACKed (previous good version + error_detail). On loss of the
// controller the last good config keeps serving; reconnects use exponential backoff + jitter on the
// injected clock and re-send the last ACKed versions so the server can skip unchanged types.
import { ErrorCode } from "@weft/contracts";
import { RESOURCE_TYPE_URLS, shortTypeName, typeNameOf, TypeUrl, type Protos } from "@weft/contracts/proto";
import type { Logger } from "pino";
import type { Backoff } from "../core/backoff";
import type { Clock } from "../core/clock";
import type { ProxyEvents, XdsTypeLabel } from "../core/events";
import { methodOf, startCall, describeStatus, type GrpcCall } from "../grpc/call";
import type { ConfigStore } from "./config-store";
import { NackError } from "./translate/wire";

export interface AdsClientOptions {
  /** gRPC target of the controller, e.g. 127.0.0.1:18000. */
  address: string;
  /** The xDS Node (id, cluster, user_agent_name, metadata Struct), sent on each stream's first request. */
  node: Record<string, unknown>;
  protos: Protos;
  store: ConfigStore;
  clock: Clock;
  backoff: Backoff;
  events: ProxyEvents;
  logger: Logger;
  /** Names of LDS resources to subscribe to; empty = wildcard (every listener of this node, e.g.
   *  the outbound TCP listeners, whose names the sidecar cannot know in advance). */
  listenerNames: readonly string[];
}

export interface TypeStatus {
  type: XdsTypeLabel;
  /** Resource names subscribed to; [] with `wildcard: true` for CDS. */
  names: string[];
  wildcard: boolean;
  ackedVersion: string;
  ackedAt: string | undefined;
  lastNack: { version: string; reason: string; at: string } | undefined;
}

export interface AdsStatus {
  controller: string;
  connected: boolean;
  /** Streams opened so far (1 = the first attempt). */
  attempts: number;
  /** When the next attempt is due, while disconnected. */
  retryAt: string | undefined;
  types: TypeStatus[];
}

export interface AdsClient {
  start(): void;
  status(): AdsStatus;
  close(): void;
}

interface TypeState {
  typeUrl: string;
  wildcard: boolean;
  /** false until there is something to ask for (EDS/RDS need names first). */
  subscribed: boolean;
  names: string[];
  ackedVersion: string;
  lastNonce: string;
  ackedAt: number | undefined;
  lastNack: { version: string; reason: string; at: number } | undefined;
}

interface AnyWire {
  type_url?: string;
  value?: Uint8Array;
}
interface DiscoveryResponseWire {
  version_info?: string;
  resources?: AnyWire[];
  type_url?: string;
  nonce?: string;
}

const MAX_REASON = 2_000; // characters of a NACK reason sent to the controller
const INVALID_ARGUMENT = 3; // google.rpc.Code

export function createAdsClient(options: AdsClientOptions): AdsClient {
  const { protos, store, clock, backoff, events, logger, address } = options;
  const states = new Map<string, TypeState>(
    RESOURCE_TYPE_URLS.map((typeUrl) => [
      typeUrl,
      {
        typeUrl,
        wildcard: typeUrl === TypeUrl.Cluster || (typeUrl === TypeUrl.Listener && options.listenerNames.length === 0),
        subscribed: typeUrl === TypeUrl.Cluster || typeUrl === TypeUrl.Listener,
        names: typeUrl === TypeUrl.Listener ? [...options.listenerNames] : [],
        ackedVersion: "",
        lastNonce: "",
        ackedAt: undefined,
        lastNack: undefined,
      },
    ]),
  );
  const method = methodOf<Record<string, unknown>, DiscoveryResponseWire>(protos.services.ads.StreamAggregatedResources!);
  let call: GrpcCall<Record<string, unknown>> | undefined;
  let connected = false;
  let nodeSent = false;
  let stopped = false;
  let retry: { cancel(): void } | undefined;
  let retryAt: number | undefined;
  let everConnected = false;
  let attempts = 0;
  // Responses are applied one at a time, in order (applying may bind TCP listeners).
  let applying: Promise<void> = Promise.resolve();

  function send(state: TypeState, extra: { response_nonce?: string; error_detail?: { code: number; message: string } } = {}): void {
    if (call === undefined) return;
    const request: Record<string, unknown> = {
      version_info: state.ackedVersion,
      resource_names: state.names,
      type_url: state.typeUrl,
      response_nonce: extra.response_nonce ?? "",
    };
    if (extra.error_detail) request.error_detail = extra.error_detail;
    if (!nodeSent) {
      request.node = options.node;
      nodeSent = true;
    }
    call.write(request);
  }

  function connect(): void {
    retry = undefined;
    retryAt = undefined;
    if (stopped) return;
    attempts++;
    // Nonces are per stream: an old one on a new stream would make the server ignore the request.
    for (const state of states.values()) state.lastNonce = "";
    nodeSent = false;
    const stream: GrpcCall<Record<string, unknown>> = startCall(address, method, {
      onHeaders: () => markConnected(),
      onMessage(response) {
        markConnected();
        backoff.reset();
        applying = applying.then(() => onResponse(response, stream));
      },
      onStatus: (status) => disconnected(stream, describeStatus(status)),
    }, { clock });
    call = stream;
    // CDS and EDS before LDS and RDS: clusters exist before routes point at them.
    for (const typeUrl of RESOURCE_TYPE_URLS) {
      const state = states.get(typeUrl)!;
      if (state.subscribed) send(state);
    }
  }

  function markConnected(): void {
    if (connected) return;
    connected = true;
    everConnected = true;
    events.emit("xdsConnection", true);
    logger.info({ controller: address }, "connected to the controller (ADS)");
  }

  function disconnected(stream: NonNullable<typeof call>, reason: string): void {
    if (call !== stream) return;
    call = undefined;
    const wasConnected = connected;
    connected = false;
    if (wasConnected) events.emit("xdsConnection", false);
    if (stopped) return;
    const delay = backoff.next();
    const ctx = { controller: address, reason, retryInMs: delay };
    if (wasConnected) logger.warn(ctx, "lost the controller; serving the last good config");
    else if (everConnected || backoff.attempts > 1) logger.warn(ctx, "controller still unreachable");
    else logger.info(ctx, "waiting for the controller");
    retryAt = clock.now() + delay;
    retry = clock.setTimeout(connect, delay);
    events.emit("xdsRetry", { attempt: attempts + 1, delayMs: delay });
  }

  async function onResponse(response: DiscoveryResponseWire, stream: NonNullable<typeof call>): Promise<void> {
    if (stopped || call !== stream) return; // a response of a stream that is gone: the next one re-sends
    const typeUrl = response.type_url ?? "";
    const state = states.get(typeUrl);
    if (state === undefined) {
      logger.warn({ typeUrl }, "ignoring an xDS response of a type this sidecar did not ask for");
      return;
    }
    const type = shortTypeName(typeUrl) as XdsTypeLabel;
    const version = response.version_info ?? "";
    const nonce = response.nonce ?? "";
    try {
      const typeName = typeNameOf(typeUrl);
      const resources = (response.resources ?? []).map((any, i) => {
        if (any.type_url !== typeUrl) {
          throw new NackError(`${type} resources[${i}]`, `has type ${any.type_url || "(none)"}, expected ${typeUrl}`);
        }
        try {
          return protos.decode(typeName, any.value ?? new Uint8Array());
        } catch (err) {
          throw new NackError(`${type} resources[${i}]`, `cannot be decoded as ${typeName}: ${(err as Error).message}`);
        }
      });
      await store.apply(typeUrl, resources, version);
    } catch (err) {
      const reason = (err instanceof NackError ? err.message : `internal error applying ${type}: ${(err as Error).message}`).slice(0, MAX_REASON);
      if (!(err instanceof NackError)) logger.error({ err, type, version }, "unexpected error applying an xDS response");
      state.lastNonce = nonce;
      state.lastNack = { version, reason, at: clock.now() };
      logger.warn({ code: ErrorCode.ConfigRejected, type, version, reason }, "rejected xDS update (NACK); keeping the last good config");
      events.emit("xdsUpdate", { type, result: "nack" });
      if (call === stream) send(state, { response_nonce: nonce, error_detail: { code: INVALID_ARGUMENT, message: reason } });
      return;
    }
    state.ackedVersion = version;
    state.lastNonce = nonce;
    state.ackedAt = clock.now();
    logger.info({ type, version, resources: response.resources?.length ?? 0 }, "applied xDS update (ACK)");
    events.emit("xdsUpdate", { type, result: "ack" });
    if (call !== stream) return;
    send(state, { response_nonce: nonce });
    updateSubscriptions();
  }

  /** EDS follows the accepted clusters, RDS the accepted listeners. */
  function updateSubscriptions(): void {
    for (const typeUrl of [TypeUrl.ClusterLoadAssignment, TypeUrl.RouteConfiguration]) {
      const state = states.get(typeUrl)!;
      const wanted = store.wantedNames(typeUrl);
      // An empty list would mean "wildcard" on the wire; keep the old subscription instead (the
      // store ignores resources nothing references).
      if (wanted.length === 0) continue;
      if (state.subscribed && sameNames(wanted, state.names)) continue;
      state.names = wanted;
      state.subscribed = true;
      send(state, { response_nonce: state.lastNonce });
    }
  }

  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

  return {
    start() {
      logger.info({ controller: address }, "waiting for the controller (ADS)");
      connect();
    },
    status() {
      return {
        controller: address,
        connected,
        attempts,
        retryAt: iso(retryAt),
        types: RESOURCE_TYPE_URLS.map((typeUrl) => {
          const s = states.get(typeUrl)!;
          return {
            type: shortTypeName(typeUrl) as XdsTypeLabel,
            names: [...s.names],
            wildcard: s.wildcard,
            ackedVersion: s.ackedVersion,
            ackedAt: iso(s.ackedAt),
            lastNack: s.lastNack && { version: s.lastNack.version, reason: s.lastNack.reason, at: iso(s.lastNack.at)! },
          };
        }),
      };
    },
    close() {
      stopped = true;
      retry?.cancel();
      retry = undefined;
      const stream = call;
      call = undefined;
      if (connected) events.emit("xdsConnection", false);
      connected = false;
      stream?.cancel();
    },
  };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
