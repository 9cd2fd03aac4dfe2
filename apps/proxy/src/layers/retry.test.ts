import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { ProxyError } from "../core/errors";
import { flush, policyStack, reply } from "../../test/support/policy-stack";
import { IDEMPOTENT_ONLY, ms } from "../../test/support/policy-fixtures";

const retryRoute = (policy: Record<string, unknown>) => ({
  route: { route: { cluster: "svc.ns", timeout: ms(0), retry_policy: { num_retries: { value: 2 }, ...policy } } },
});

describe("retryLayer", () => {
  it("retries 5xx on a fresh endpoint after a jittered backoff on the clock, and returns the first success", async () => {
    const s = policyStack({
      ports: [1, 2, 3],
      ...retryRoute({ retry_on: "5xx", retry_back_off: { base_interval: ms(100) } }),
      random: () => 0.5,
      upstream: (c) => reply(c.attempt < 3 ? 503 : 200),
    });
    const { ctx, done } = s.send();
    await flush();
    expect(s.calls).toHaveLength(1);
    // Retry 1 waits random [0, 100) -> 50 ms with random 0.5.
    s.clock.advance(49);
    await flush();
    expect(s.calls).toHaveLength(1);
    s.clock.advance(1);
    await flush();
    expect(s.calls).toHaveLength(2);
    // Retry 2 waits random [0, 300) -> 150 ms.
    s.clock.advance(150);
    expect((await done).status).toBe(200);
    expect(s.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(new Set(s.calls.map((c) => c.port)).size).toBe(3); // each attempt picked again (round robin)
    expect(ctx.reason).toBe("retried");
  });

  it("stops after num_retries and relays the last failure", async () => {
    const s = policyStack({ ...retryRoute({ retry_on: "gateway-error", retry_back_off: { base_interval: ms(1) } }), upstream: () => reply(502) });
    const { done } = s.send();
    for (let i = 0; i < 5; i++) {
      await flush();
      s.clock.advance(10);
    }
    expect((await done).status).toBe(502);
    expect(s.calls).toHaveLength(3);
  });

  it("retries connect failures and retriable status codes only when retry_on says so", async () => {
    const connect = policyStack({
      ...retryRoute({ retry_on: "connect-failure" }),
      upstream: (c) => {
        if (c.attempt === 1) throw new ProxyError(ErrorCode.UpstreamConnectFailed, "refused");
        return reply(500);
      },
    });
    const a = connect.send();
    await flush();
    connect.clock.advance(1000);
    expect((await a.done).status).toBe(500); // 500 is not a connect failure: not retried
    expect(connect.calls).toHaveLength(2);

    const codes = policyStack({ ...retryRoute({ retry_on: "retriable-status-codes", retriable_status_codes: [409] }), upstream: (c) => reply(c.attempt === 1 ? 409 : 201) });
    const b = codes.send();
    await flush();
    codes.clock.advance(1000);
    expect((await b.done).status).toBe(201);
  });

  it("retries gRPC codes named in retry_on from a trailers-only grpc-status", async () => {
    const s = policyStack({ ...retryRoute({ retry_on: "unavailable" }), upstream: (c) => reply(200, { "grpc-status": c.attempt === 1 ? "14" : "0" }) });
    const { done } = s.send();
    await flush();
    s.clock.advance(1000);
    expect((await done).headers["grpc-status"]).toBe("0");
    expect(s.calls).toHaveLength(2);
  });

  it("never retries a request that retriable_request_headers excludes (POST with the idempotent-only matcher)", async () => {
    const s = policyStack({ ...retryRoute({ retry_on: "5xx", retriable_request_headers: IDEMPOTENT_ONLY }), upstream: () => reply(503) });
    expect((await s.send({ method: "POST" }).done).status).toBe(503);
    expect(s.calls).toHaveLength(1);
    const put = s.send({ method: "PUT" });
    await flush();
    s.clock.advance(1000);
    await flush();
    s.clock.advance(1000);
    expect((await put.done).status).toBe(503);
    expect(s.calls).toHaveLength(4);
  });

  it("replays a buffered request body on each attempt", async () => {
    const s = policyStack({ ...retryRoute({ retry_on: "5xx" }), upstream: (c) => reply(c.attempt === 1 ? 500 : 200) });
    const { done } = s.send({ method: "PUT", body: Buffer.from("payload") });
    await flush();
    await flush();
    s.clock.advance(1000);
    expect((await done).status).toBe(200);
    expect(s.calls.map((c) => c.body?.toString())).toEqual(["payload", "payload"]);
  });

  it("does not retry a body larger than 64 KiB", async () => {
    const s = policyStack({ ...retryRoute({ retry_on: "5xx" }), upstream: () => reply(500) });
    const { done } = s.send({ method: "PUT", body: Buffer.alloc(70 * 1024) });
    expect((await done).status).toBe(500);
    expect(s.calls).toHaveLength(1);
  });

  it("per_try_timeout cancels a slow attempt and retries it", async () => {
    const signals: AbortSignal[] = [];
    const s = policyStack({
      ports: [1, 2],
      ...retryRoute({ retry_on: "5xx", per_try_timeout: ms(200), retry_back_off: { base_interval: ms(1) } }),
      upstream: (c) => {
        signals.push(c.ctx.signal!);
        return c.attempt === 1 ? new Promise(() => undefined) : reply(200);
      },
    });
    const { ctx, done } = s.send();
    await flush();
    s.clock.advance(200);
    expect(signals[0]!.aborted).toBe(true);
    await flush();
    s.clock.advance(10);
    expect((await done).status).toBe(200);
    expect(s.calls.map((c) => c.port)).toEqual([1, 2]);
    expect(ctx.attempts).toBe(2);
  });

  it("stops retrying when the cluster's retry budget is spent (20% of requests + floor)", async () => {
    // Budget: 0% of requests + 1 retry/s floor = 10 retries per 10 s window.
    const s = policyStack({
      cluster: { circuit_breakers: { thresholds: [{ retry_budget: { budget_percent: { value: 0 }, min_retry_concurrency: { value: 1 } } }] } },
      ...retryRoute({ retry_on: "5xx", num_retries: { value: 1 } }),
      upstream: () => reply(503),
    });
    const reasons: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { ctx, done } = s.send();
      await flush();
      s.clock.advance(25);
      await done;
      reasons.push(ctx.reason!);
    }
    expect(reasons.filter((r) => r === "retried")).toHaveLength(10);
    expect(reasons.slice(10)).toEqual(["retry_budget_exhausted", "retry_budget_exhausted"]);
    // The window slides: 10 s later retries are allowed again.
    s.clock.advance(10_000);
    const { ctx, done } = s.send();
    await flush();
    s.clock.advance(25);
    await done;
    expect(ctx.reason).toBe("retried");
  });

  it("caps concurrent retries at max_retries", async () => {
    const s = policyStack({
      cluster: { circuit_breakers: { thresholds: [{ max_retries: { value: 1 } }] } },
      ...retryRoute({ retry_on: "5xx", num_retries: { value: 1 } }),
      upstream: (c) => (c.attempt === 1 ? reply(503) : new Promise(() => undefined)),
    });
    const first = s.send();
    await flush();
    s.clock.advance(25); // first request's retry now in flight (never answers)
    await flush();
    const second = s.send();
    expect((await second.done).status).toBe(503);
    expect(second.ctx.reason).toBe("retry_overflow");
    void first;
  });
});
