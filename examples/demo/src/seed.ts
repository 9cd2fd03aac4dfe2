// Declares the demo's services in the controller through its REST API (idempotent), issues one join
// token per service for its sidecars' certificates, makes the storefront — the shop's public entry,
// reached by browsers in plaintext — PERMISSIVE, starts reviews at 100% v1 / 0% v2 unless an
// operator has already set a split (kept across restarts), and switches the catalog's gift-card route
// off with a fault policy (503), so the console has a failing route to explain.
import { SERVICES, SERVICE_PORT } from "./topology";

interface ApiService {
  id: string;
  name: string;
  policy?: { mtls?: { mode?: string } };
  versions: Array<{ name: string }>;
  routes: Array<{ name: string; id: string }>;
}

/** Join tokens by service name. */
export type JoinTokens = Map<string, string>;

export async function seed(apiUrl: string, token: string): Promise<JoinTokens> {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${apiUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const existing = await call<ApiService[]>("GET", "/services");
  const joinTokens: JoinTokens = new Map();
  for (const s of SERVICES) {
    let svc = existing.find((e) => e.name === s.name);
    if (!svc) svc = (await call<{ service: ApiService }>("POST", "/services", { name: s.name, port: SERVICE_PORT, description: s.description })).service;
    for (const v of s.versions) {
      if (!svc.versions.some((x) => x.name === v)) await call("POST", `/services/${svc.id}/versions`, { name: v });
    }
    if (s.name === "storefront" && svc.policy?.mtls?.mode !== "permissive") {
      await call("PATCH", `/services/${svc.id}`, { policy: { ...(svc.policy ?? {}), mtls: { mode: "permissive" } } });
    }
    if (s.name === "catalog" && !svc.routes.some((r) => r.name === "gift-cards")) {
      await call("POST", `/services/${svc.id}/routes`, {
        name: "gift-cards",
        match: { path: { type: "prefix", value: "/gift-cards" }, headers: [] },
        policy: { fault: { abort: { status: 503, percent: 100 } } },
      });
    }
    if (s.name === "reviews" && svc.routes.length === 0) {
      await call("PUT", `/services/${svc.id}/split`, { backends: [{ version: "v1", weight: 100 }, { version: "v2", weight: 0 }] });
    }
    const issued = await call<{ token: string }>("POST", "/workload-tokens", { service: s.name, namespace: "default", ttlHours: 720 });
    joinTokens.set(s.name, issued.token);
  }
  return joinTokens;
}
