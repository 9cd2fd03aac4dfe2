import { describe, expect, it } from "vitest";
import type { ProxyResponse } from "../core/layer";
import { flush, policyStack, reply } from "../../test/support/policy-stack";

const limits = (t: Record<string, number>) => ({
  cluster: { circuit_breakers: { thresholds: [Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { value: v }]))] } },
});

function held() {
  const waiting: Array<(r: ProxyResponse) => void> = [];
  return { waiting, upstream: () => new Promise<ProxyResponse>((r) => waiting.push(r)) };
}

describe("circuitBreakerLayer", () => {
  it("refuses requests beyond max_requests with 503 WEFT_CIRCUIT_OPEN, and admits again once one finishes", async () => {
    const h = held();
    const s = policyStack({ ...limits({ max_requests: 2 }), upstream: h.upstream });
    const a = s.send();
    const b = s.send();
    const c = s.send();
    const res = await c.done;
    expect(res.status).toBe(503);
    expect(res.headers["x-weft-error"]).toBe("WEFT_CIRCUIT_OPEN");
    expect(JSON.parse(String(res.body)).message).toBe('cluster "svc.ns" is at max_requests (2 concurrent requests); circuit open');
    expect(c.ctx.reason).toBe("circuit_open");
    await flush();
    h.waiting[0]!(reply(200));
    expect((await a.done).status).toBe(200);
    const d = s.send();
    await flush();
    expect(h.waiting).toHaveLength(3);
    h.waiting[1]!(reply(200));
    h.waiting[2]!(reply(200));
    expect((await b.done).status).toBe(200);
    expect((await d.done).status).toBe(200);
  });

  it("queues beyond max_connections up to max_pending_requests, then refuses", async () => {
    const h = held();
    const s = policyStack({ ...limits({ max_connections: 1, max_pending_requests: 1 }), upstream: h.upstream });
    const a = s.send();
    const b = s.send(); // waits for a's slot
    const c = s.send();
    const refused = await c.done;
    expect(refused.status).toBe(503);
    expect(c.ctx.reason).toBe("pending_overflow");
    await flush();
    expect(h.waiting).toHaveLength(1);
    h.waiting[0]!(reply(200));
    await a.done;
    await flush();
    expect(h.waiting).toHaveLength(2); // b got the slot
    h.waiting[1]!(reply(201));
    expect((await b.done).status).toBe(201);
  });

  it("a queued request leaves the queue when its route timeout fires", async () => {
    const h = held();
    const s = policyStack({ ...limits({ max_connections: 1 }), route: { route: { cluster: "svc.ns", timeout: { seconds: 1 } } }, upstream: h.upstream });
    s.send();
    const b = s.send();
    await flush();
    s.clock.advance(1000);
    expect((await b.done).status).toBe(504);
    expect(s.config.clusters.get("svc.ns")!.state.breaker.pending).toBe(0);
  });
});
