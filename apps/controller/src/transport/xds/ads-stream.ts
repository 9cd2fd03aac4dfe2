// One ADS stream (state of the world): tracks per type what the client subscribed to, what was
// sent (version, nonce) and what it ACKed or NACKed, and pushes a type again only when the
// client's view of it changed. Types are pushed make-before-break: CDS, EDS, then LDS, RDS.
import { createHash } from "node:crypto";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import { RESOURCE_TYPE_URLS, shortTypeName, TypeUrl } from "@weft/contracts/proto";
import type { MeshSnapshot } from "../../domain/snapshot";
import type { NodeProfile, NodeResources, ResourceBuilder } from "./node-resources";

export interface DiscoveryRequest {
  version_info?: string;
  node?: { id?: string; cluster?: string; metadata?: unknown; user_agent_name?: string; user_agent_version?: string };
  resource_names?: string[];
  type_url?: string;
  response_nonce?: string;
  error_detail?: { code?: number; message?: string };
}

export interface DiscoveryResponse {
  version_info: string;
  resources: Array<{ type_url: string; value: Buffer }>;
  type_url: string;
  nonce: string;
}

export interface StreamEvents {
  sent(type: string, version: string, resources: number): void;
  acked(type: string, version: string): void;
  nacked(type: string, version: string, reason: string): void;
}

interface TypeState {
  /** null = wildcard (every resource of the type the node may see). */
  names: Set<string> | null;
  /** The client has named resources (or "*") on this stream: an empty list no longer means wildcard. */
  explicit: boolean;
  sentHash: string | null;
  sentVersion: string | null;
  sentNonce: string | null;
}

/** LDS and CDS accept wildcard subscriptions (no names); RDS and EDS are always by name. */
const WILDCARD_TYPES = new Set<string>([TypeUrl.Listener, TypeUrl.Cluster]);

export class AdsStream {
  private readonly types = new Map<string, TypeState>();
  private nonce = 0;
  private snapshot: MeshSnapshot;
  private resources: NodeResources;

  constructor(
    private readonly call: Pick<ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>, "write">,
    private readonly profile: NodeProfile,
    private readonly builder: ResourceBuilder,
    snapshot: MeshSnapshot,
    private readonly events: StreamEvents,
  ) {
    this.snapshot = snapshot;
    this.resources = builder.forNode(snapshot, profile);
  }

  onRequest(req: DiscoveryRequest): void {
    const typeUrl = req.type_url ?? "";
    if (!(RESOURCE_TYPE_URLS as readonly string[]).includes(typeUrl)) return;
    const short = shortTypeName(typeUrl);
    const existing = this.types.get(typeUrl);
    // Once a type was sent on this stream, only a request answering the latest response counts.
    // One with an older nonce, or none, was written before the client saw that response; acting on
    // it would answer a subscription the client has since changed, and a client of LDS or CDS takes
    // a resource missing from a response as deleted. Its reply to the latest response carries its
    // subscription as it is by then. (Before anything was sent, a nonce is one from an earlier
    // stream: the request counts.)
    const nonce = req.response_nonce ?? "";
    if (existing !== undefined && existing.sentNonce !== null) {
      if (nonce !== existing.sentNonce) return;
      if (req.error_detail?.message !== undefined || req.error_detail?.code) {
        this.events.nacked(short, existing.sentVersion ?? "", req.error_detail?.message ?? "rejected without a reason");
      } else {
        this.events.acked(short, req.version_info ?? "");
      }
    }
    const state = existing ?? { names: null, explicit: false, sentHash: null, sentVersion: null, sentNonce: null };
    const isNew = existing === undefined;
    if (isNew) this.types.set(typeUrl, state);

    const requested = req.resource_names ?? [];
    // An empty list means wildcard only until the client first names a resource (or "*"); after
    // that it means the client wants none (xDS protocol, "wildcard subscriptions").
    const wildcard = requested.includes("*") || (requested.length === 0 && !state.explicit);
    if (requested.length > 0) state.explicit = true;
    const names = wildcard && WILDCARD_TYPES.has(typeUrl) ? null : new Set(requested.filter((n) => n !== "*"));
    const changed = isNew || !sameNames(state.names, names);
    state.names = names;
    if (!changed) return;

    // A Weft sidecar keeps its config across streams (and on disk): reconnecting with the version
    // it has, it needs nothing new. Other clients get an answer: grpc-js remembers the versions but
    // drops its resources with its last watch, and would wait for a resource it is never sent.
    if (state.sentNonce === null && req.version_info && this.profile.kind === "sidecar") {
      const { hash } = this.select(typeUrl, state);
      if (req.version_info.endsWith(`.${hash}`)) {
        state.sentHash = hash;
        state.sentVersion = req.version_info;
        this.events.acked(short, req.version_info);
        return;
      }
    }
    this.push(typeUrl, state, true);
  }

  onSnapshot(snapshot: MeshSnapshot): void {
    if (snapshot === this.snapshot) return;
    this.snapshot = snapshot;
    this.resources = this.builder.forNode(snapshot, this.profile);
    for (const typeUrl of RESOURCE_TYPE_URLS) {
      const state = this.types.get(typeUrl);
      if (state) this.push(typeUrl, state, false);
    }
  }

  private select(typeUrl: string, state: TypeState) {
    const all = this.resources.get(typeUrl) ?? new Map();
    const chosen = state.names === null ? [...all.values()] : [...state.names].flatMap((n) => (all.has(n) ? [all.get(n)!] : []));
    chosen.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const h = createHash("sha1");
    for (const r of chosen) h.update(r.name).update("\0").update(r.hash).update("\0");
    return { chosen, hash: h.digest("hex").slice(0, 12) };
  }

  private push(typeUrl: string, state: TypeState, force: boolean): void {
    const { chosen, hash } = this.select(typeUrl, state);
    if (!force && hash === state.sentHash) return;
    const version = `${this.snapshot.revision}.${hash}`;
    const nonce = String(++this.nonce);
    state.sentHash = hash;
    state.sentVersion = version;
    state.sentNonce = nonce;
    this.call.write({
      version_info: version,
      type_url: typeUrl,
      nonce,
      resources: chosen.map((r) => ({ type_url: r.any.type_url, value: Buffer.from(r.any.value.buffer, r.any.value.byteOffset, r.any.value.byteLength) })),
    });
    this.events.sent(shortTypeName(typeUrl), version, chosen.length);
  }
}

function sameNames(a: Set<string> | null, b: Set<string> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.size !== b.size) return false;
  for (const n of a) if (!b.has(n)) return false;
  return true;
}
