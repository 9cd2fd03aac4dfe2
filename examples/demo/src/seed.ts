// Declares the demo's services in the controller through its REST API (idempotent), and starts
// reviews at 100% v1 / 0% v2 — unless an operator has already set a split, which is kept.
import { SERVICES, SERVICE_PORT } from "./topology";

interface ApiService {
  id: string;
  name: string;
  versions: Array<{ name: string }>;
  routes: Array<{ name: string }>;
}

export async function seed(apiUrl: string, token: string): Promise<void> {
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
  for (const s of SERVICES) {
    let svc = existing.find((e) => e.name === s.name);
    if (!svc) svc = (await call<{ service: ApiService }>("POST", "/services", { name: s.name, port: SERVICE_PORT, description: s.description })).service;
    for (const v of s.versions) {
      if (!svc.versions.some((x) => x.name === v)) await call("POST", `/services/${svc.id}/versions`, { name: v });
    }
    if (s.name === "reviews" && svc.routes.length === 0) {
      await call("PUT", `/services/${svc.id}/split`, { backends: [{ version: "v1", weight: 100 }, { version: "v2", weight: 0 }] });
    }
  }
}
