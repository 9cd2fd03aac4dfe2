// Same-origin forwarding of /api/* to the controller: request and response bodies are streamed
// (never buffered, so SSE subscriptions work), cookies and Set-Cookie pass through unchanged.
import "server-only";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and ones fetch must compute itself. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/** Headers for the upstream request: the caller's, minus hop-by-hop, plus X-Forwarded-*. */
export function upstreamRequestHeaders(incoming: Headers, client: { host: string; proto: string; ip?: string }): Headers {
  const out = new Headers();
  incoming.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) out.set(name, value);
  });
  // fetch transparently decompresses; ask for identity so Content-Encoding/Length stay truthful.
  out.set("accept-encoding", "identity");
  out.set("x-forwarded-host", client.host);
  out.set("x-forwarded-proto", client.proto);
  if (client.ip) {
    const prior = incoming.get("x-forwarded-for");
    out.set("x-forwarded-for", prior ? `${prior}, ${client.ip}` : client.ip);
  }
  return out;
}

/** Headers for the response to the browser: the controller's, minus hop-by-hop, every Set-Cookie kept. */
export function downstreamResponseHeaders(upstream: Headers): Headers {
  const out = new Headers();
  upstream.forEach((value, name) => {
    if (name === "set-cookie" || name === "content-encoding" || (HOP_BY_HOP.has(name) && name !== "content-length")) return;
    out.set(name, value);
  });
  for (const cookie of upstream.getSetCookie()) out.append("set-cookie", cookie);
  return out;
}

/**
 * The error body when the controller cannot be reached. Shaped like a tRPC error so the console's
 * client shows the message (httpBatchLink fans a non-array body out to every call of the batch).
 */
export function unreachableBody(controllerUrl: string, cause: unknown) {
  const reason = (cause as { cause?: { code?: string } })?.cause?.code ?? (cause as Error)?.message ?? "unknown error";
  const message = `the console cannot reach the Weft controller at ${controllerUrl} (${reason}); is it running? Set WEFT_CONTROLLER_URL if it listens elsewhere`;
  return {
    message,
    error: { message, code: -32603, data: { code: "BAD_GATEWAY", httpStatus: 502, weftCode: "WEFT_CONTROLLER_UNREACHABLE" } },
  };
}

export async function forwardToController(request: Request, controllerUrl: string): Promise<Response> {
  const url = new URL(request.url);
  const target = `${controllerUrl}${url.pathname}${url.search}`;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const headers = upstreamRequestHeaders(request.headers, {
    host: request.headers.get("host") ?? url.host,
    proto: url.protocol.replace(":", ""),
    ...(request.headers.get("x-real-ip") ? { ip: request.headers.get("x-real-ip")! } : {}),
  });
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : null,
      redirect: "manual",
      cache: "no-store",
      signal: request.signal,
      // Required by undici to stream a request body.
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch (err) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    return Response.json(unreachableBody(controllerUrl, err), { status: 502 });
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: downstreamResponseHeaders(upstream.headers),
  });
}
