// One small HTTP service of the demo bookshop; `service` picks which:
//   storefront  the shop page and API; calls catalog and reviews
//   catalog     the books
//   reviews     v1: reviews only; v2: reviews with star ratings (calls ratings)
//   ratings     star ratings
// It knows nothing about the mesh: it calls http://catalog/... through whatever HTTP dispatcher it
// is given — in production an EnvHttpProxyAgent honouring HTTP_PROXY (its sidecar).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch, type Dispatcher } from "undici";
import { BOOKS, RATINGS, REVIEWS, type Book } from "./catalog-data";
import { renderShop } from "./shop-page";

export const DEMO_SERVICES = ["storefront", "catalog", "reviews", "ratings"] as const;

interface ReviewsReply {
  version: string;
  reviews: Array<{ reviewer: string; text: string; stars?: number }>;
}

export interface DemoApp {
  port: number;
  /** Routes the app's outgoing calls (set once its sidecar's outbound port is known). */
  useDispatcher(d: Dispatcher): void;
  close(): Promise<void>;
}

export async function startDemoApp(opts: { service: string; version: string; port: number; dispatcher?: Dispatcher }): Promise<DemoApp> {
  const { service, version } = opts;
  let dispatcher = opts.dispatcher;

  async function getJson<T>(url: string): Promise<T> {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000), ...(dispatcher ? { dispatcher } : {}) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }

  function send(res: ServerResponse, status: number, body: unknown, type = "application/json") {
    res.writeHead(status, { "content-type": type, "x-served-by": `${service}-${version}` });
    res.end(type === "application/json" ? JSON.stringify(body) : String(body));
  }

  async function product(id: string) {
    const [book, reviews] = await Promise.all([
      getJson<Book>(`http://catalog/books/${id}`),
      getJson<ReviewsReply>(`http://reviews/reviews/${id}`).catch((err: Error) => ({ version: "unavailable", reviews: [], error: err.message })),
    ]);
    return { book, reviews };
  }

  const handlers: Record<string, (req: IncomingMessage, res: ServerResponse, path: string[]) => Promise<void>> = {
    async storefront(_req, res, path) {
      if (path[0] === "api" && path[1] === "products" && path[2]) return send(res, 200, await product(path[2]));
      if (path.length === 0) {
        const books = await getJson<Book[]>("http://catalog/books");
        const details = await Promise.all(books.map((b) => product(b.id)));
        return send(res, 200, renderShop(details, version), "text/html; charset=utf-8");
      }
      send(res, 404, { error: "not found" });
    },
    async catalog(_req, res, path) {
      if (path[0] !== "books") return send(res, 404, { error: "not found" });
      if (!path[1]) return send(res, 200, BOOKS);
      const book = BOOKS.find((b) => b.id === path[1]);
      return book ? send(res, 200, book) : send(res, 404, { error: `no book ${path[1]}` });
    },
    async reviews(_req, res, path) {
      if (path[0] !== "reviews" || !path[1]) return send(res, 404, { error: "not found" });
      const reviews = REVIEWS[path[1]] ?? [];
      if (version === "v1") return send(res, 200, { version, reviews });
      const { stars } = await getJson<{ stars: number }>(`http://ratings/ratings/${path[1]}`);
      return send(res, 200, { version, reviews: reviews.map((r) => ({ ...r, stars })) });
    },
    async ratings(_req, res, path) {
      if (path[0] !== "ratings" || !path[1]) return send(res, 404, { error: "not found" });
      return send(res, 200, { stars: RATINGS[path[1]] ?? 0 });
    },
  };

  const handle = handlers[service];
  if (!handle) throw new Error(`service must be one of ${DEMO_SERVICES.join(", ")} (got "${service}")`);

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!.split("/").filter(Boolean);
    if (path[0] === "healthz") return send(res, 200, { service, version });
    handle(req, res, path).catch((err: Error) => send(res, 502, { error: `${service} could not answer: ${err.message}` }));
  });
  await new Promise<void>((resolve) => server.listen(opts.port, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    useDispatcher: (d) => void (dispatcher = d),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
