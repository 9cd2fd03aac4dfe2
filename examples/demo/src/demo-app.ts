// One small HTTP service of the demo bookshop; `service` picks which:
//   storefront  the shop page and API; calls catalog and reviews
//   catalog     the books
//   reviews     v1: reviews only; v2: reviews with star ratings (calls ratings)
//   ratings     star ratings
// It knows nothing about the mesh: it calls http://catalog/... through whatever HTTP dispatcher it
// is given — in production an EnvHttpProxyAgent honouring HTTP_PROXY (its sidecar). Like any app
// instrumented for tracing, it forwards the trace context headers of the request it is serving to
// the calls it makes, so the sidecars' spans join into one trace.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch, type Dispatcher } from "undici";
import { BOOKS, RATINGS, REVIEWS, type Book } from "./catalog-data";
import { renderShop } from "./shop-page";

export const DEMO_SERVICES = ["storefront", "catalog", "reviews", "ratings"] as const;

/** W3C trace context and B3 headers: what an app forwards to keep a trace together. */
const TRACE_HEADERS = ["traceparent", "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags"];

type TraceContext = Record<string, string>;

function traceContextOf(req: IncomingMessage): TraceContext {
  const out: TraceContext = {};
  for (const h of TRACE_HEADERS) {
    const v = req.headers[h];
    if (typeof v === "string") out[h] = v;
  }
  return out;
}

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

  async function getJson<T>(url: string, trace: TraceContext): Promise<T> {
    const res = await fetch(url, { headers: trace, signal: AbortSignal.timeout(3000), ...(dispatcher ? { dispatcher } : {}) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  }

  function send(res: ServerResponse, status: number, body: unknown, type = "application/json") {
    res.writeHead(status, { "content-type": type, "x-served-by": `${service}-${version}` });
    res.end(type === "application/json" ? JSON.stringify(body) : String(body));
  }

  async function product(id: string, trace: TraceContext) {
    const [book, reviews] = await Promise.all([
      getJson<Book>(`http://catalog/books/${id}`, trace),
      getJson<ReviewsReply>(`http://reviews/reviews/${id}`, trace).catch((err: Error) => ({ version: "unavailable", reviews: [], error: err.message })),
    ]);
    return { book, reviews };
  }

  const handlers: Record<string, (req: IncomingMessage, res: ServerResponse, path: string[]) => Promise<void>> = {
    async storefront(req, res, path) {
      const trace = traceContextOf(req);
      if (path[0] === "api" && path[1] === "products" && path[2]) return send(res, 200, await product(path[2], trace));
      if (path[0] === "api" && path[1] === "gift-cards") {
        // The catalog's gift-card route is switched off in the mesh (a fault policy answers 503): the shop says so.
        const cards = await getJson<unknown>("http://catalog/gift-cards", trace).catch((err: Error) => ({ error: err.message }));
        return "error" in (cards as object) ? send(res, 503, { error: "gift cards are unavailable right now", detail: (cards as { error: string }).error }) : send(res, 200, cards);
      }
      if (path.length === 0) {
        const books = await getJson<Book[]>("http://catalog/books", trace);
        const details = await Promise.all(books.map((b) => product(b.id, trace)));
        return send(res, 200, renderShop(details, version), "text/html; charset=utf-8");
      }
      send(res, 404, { error: "not found" });
    },
    async catalog(_req, res, path) {
      if (path[0] === "gift-cards") return send(res, 200, [{ id: "g25", value: 25 }, { id: "g50", value: 50 }]);
      if (path[0] !== "books") return send(res, 404, { error: "not found" });
      if (!path[1]) return send(res, 200, BOOKS);
      const book = BOOKS.find((b) => b.id === path[1]);
      return book ? send(res, 200, book) : send(res, 404, { error: `no book ${path[1]}` });
    },
    async reviews(req, res, path) {
      if (path[0] !== "reviews" || !path[1]) return send(res, 404, { error: "not found" });
      const reviews = REVIEWS[path[1]] ?? [];
      if (version === "v1") return send(res, 200, { version, reviews });
      const { stars } = await getJson<{ stars: number }>(`http://ratings/ratings/${path[1]}`, traceContextOf(req));
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
