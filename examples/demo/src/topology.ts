// The demo's instances and their ports. Each instance is an app process plus its sidecar; the
// storefront's sidecar inbound listener is the shop's public address.

export interface Instance {
  service: string;
  version: string;
  appPort: number;
  inboundPort: number;
  outboundPort: number;
  adminPort: number;
}

export const SERVICES = [
  { name: "storefront", versions: ["v1"], description: "The shop's pages and API" },
  { name: "catalog", versions: ["v1"], description: "Books and prices" },
  { name: "reviews", versions: ["v1", "v2"], description: "Reader reviews; v2 adds star ratings" },
  { name: "ratings", versions: ["v1"], description: "Star ratings" },
] as const;

/** The port every demo service is addressed by (http://catalog means port 80). */
export const SERVICE_PORT = 80;

export function instances(publicPort: number, sidecarBase: number): Instance[] {
  const list = SERVICES.flatMap((s) => s.versions.map((version) => ({ service: s.name, version })));
  return list.map((x, i) => {
    const base = sidecarBase + i * 10;
    return {
      ...x,
      appPort: base,
      inboundPort: x.service === "storefront" ? publicPort : base + 1,
      outboundPort: base + 2,
      adminPort: base + 3,
    };
  });
}
