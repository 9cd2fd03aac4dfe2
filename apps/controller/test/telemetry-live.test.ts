// The live graph as the console receives it: a tRPC subscription over server-sent events
// (httpSubscriptionLink), one graph per second of the controller's clock, ending when the client goes.
import { afterEach, expect, it } from "vitest";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { Agent, EventSource, type Dispatcher } from "undici";
import type { ServiceGraph } from "@weft/contracts";
import { createFakeClock } from "@weft/test-kit";
import { edge, report } from "../src/services/telemetry/report-fixture";
import type { AppRouter } from "../src/transport/trpc/root";
import { startTestController, TOKEN, waitFor, type TestController } from "./harness";
import { reportClient } from "./report-client";

let t: TestController | undefined;
const closers: Array<() => unknown> = [];

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await t?.close();
  t = undefined;
});

/** EventSource cannot set headers; the console sends its session cookie, this test its API token. */
function authorized(): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => dispatch({ ...opts, headers: { ...(opts.headers as Record<string, string>), authorization: `Bearer ${TOKEN}` } }, handler));
}

it("pushes the graph every second over SSE with resumable ids, and stops when the client leaves", async () => {
  const clock = createFakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
  t = await startTestController({ clock });
  const rc = reportClient(t.controller.xdsAddress);
  closers.push(() => rc.close());
  clock.advance(1000);
  await rc.send(report(clock.now(), { edges: [edge({ requests: 10 })] }));
  clock.advance(1000);

  const dispatcher = authorized();
  closers.push(() => (dispatcher as Agent).close());
  const url = `${t.apiUrl}/api/trpc`;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource, eventSourceOptions: { dispatcher } }),
        false: httpBatchLink({ url, headers: { authorization: `Bearer ${TOKEN}` } }),
      }),
    ],
  });
  const received: Array<{ id: string; data: ServiceGraph }> = [];
  const errors: unknown[] = [];
  const sub = client.graph.watch.subscribe({ window: "live" }, { onData: (d) => received.push(d as never), onError: (e) => errors.push(e) });
  closers.push(() => sub.unsubscribe());

  await waitFor("the first graph", () => received.length === 1);
  expect(received[0]!.data.edges).toMatchObject([{ source: "storefront.default", target: "reviews.default", requestsPerSecond: 1 }]);
  expect(received[0]!.id).toBe(String(clock.now()));
  for (let i = 2; i <= 3; i++) {
    clock.advance(1000);
    await waitFor(`graph ${i}`, () => received.length === i);
    expect(received[i - 1]!.data.generatedAt).toBe(new Date(clock.now()).toISOString());
    expect(received[i - 1]!.id).toBe(String(clock.now()));
  }
  expect(t.controller.services.telemetry.liveSubscriptions()).toBe(1);

  sub.unsubscribe();
  await waitFor("the server to end the subscription", () => t!.controller.services.telemetry.liveSubscriptions() === 0);
  clock.advance(5000);
  await client.graph.get.query({ window: "live" }); // a round trip after the ticks: no late event slipped in
  expect(received).toHaveLength(3);
  expect(errors).toEqual([]);
});
