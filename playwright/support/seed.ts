// Seeds the mesh through the REST API with the e2e token: services with versions and endpoints
// the journeys then look at. Idempotent, so a re-run against the same stack finds what it made.
import type { APIRequestContext } from "@playwright/test";
import { expect } from "@playwright/test";
import { API_TOKEN } from "./stack";

/** Seeded services live in their own namespace, so they never collide with the demo's. */
export const E2E_NAMESPACE = "e2e";

export interface SeedService {
  name: string;
  port: number;
  description?: string;
  versions: Array<{ name: string; labels?: Record<string, string>; endpoints: Array<{ address: string; port: number; health?: "healthy" | "unhealthy" | "draining" }> }>;
}

export const SEED: SeedService[] = [
  {
    name: "reviews",
    port: 9080,
    description: "Book reviews; v2 adds star ratings",
    versions: [
      { name: "v1", labels: { track: "stable" }, endpoints: [{ address: "127.0.0.1", port: 19081 }, { address: "127.0.0.1", port: 19082 }] },
      { name: "v2", labels: { track: "canary" }, endpoints: [{ address: "127.0.0.1", port: 19083 }] },
    ],
  },
  {
    name: "ratings",
    port: 9080,
    versions: [{ name: "v1", endpoints: [{ address: "127.0.0.1", port: 19091 }, { address: "127.0.0.1", port: 19092, health: "draining" }] }],
  },
  { name: "productpage", port: 9080, description: "The storefront", versions: [{ name: "v1", endpoints: [{ address: "127.0.0.1", port: 19071 }] }] },
  { name: "details", port: 9080, versions: [{ name: "v1", endpoints: [{ address: "127.0.0.1", port: 19061 }] }] },
];

export const auth = { authorization: `Bearer ${API_TOKEN}` };

interface ServiceJson {
  id: string;
  name: string;
  namespace: string;
  versions: Array<{ name: string }>;
  endpoints: Array<{ address: string; port: number }>;
  routes: Array<{ name: string; match: { path: { type: string; value: string }; headers: unknown[] }; backends: Array<{ version: string; weight: number }> }>;
}

export async function listServices(request: APIRequestContext): Promise<ServiceJson[]> {
  const res = await request.get("/api/v1/services", { headers: auth });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

export async function serviceByName(request: APIRequestContext, name: string): Promise<ServiceJson> {
  const found = (await listServices(request)).find((s) => s.name === name && s.namespace === E2E_NAMESPACE);
  if (!found) throw new Error(`service ${name} not found`);
  const res = await request.get(`/api/v1/services/${found.id}`, { headers: auth });
  expect(res.status()).toBe(200);
  return res.json();
}

export async function seedMesh(request: APIRequestContext, services: SeedService[] = SEED): Promise<void> {
  const existing = new Map((await listServices(request)).filter((s) => s.namespace === E2E_NAMESPACE).map((s) => [s.name, s]));
  for (const svc of services) {
    let current = existing.get(svc.name);
    if (!current) {
      const res = await request.post("/api/v1/services", { headers: auth, data: { name: svc.name, namespace: E2E_NAMESPACE, port: svc.port, description: svc.description ?? "" } });
      expect(res.status(), await res.text()).toBe(200);
      current = (await res.json()).service as ServiceJson;
    }
    for (const v of svc.versions) {
      if (!current.versions.some((x) => x.name === v.name)) {
        const res = await request.post(`/api/v1/services/${current.id}/versions`, { headers: auth, data: { name: v.name, labels: v.labels ?? {} } });
        expect(res.status(), await res.text()).toBe(200);
      }
      for (const e of v.endpoints) {
        if (current.endpoints.some((x) => x.address === e.address && x.port === e.port)) continue;
        const res = await request.post(`/api/v1/services/${current.id}/endpoints`, {
          headers: auth,
          data: { version: v.name, address: e.address, port: e.port, health: e.health ?? "healthy" },
        });
        expect(res.status(), await res.text()).toBe(200);
      }
    }
  }
}
