// Live telemetry of the demo, end to end: real requests through the demo's sidecars show up on the
// graph within seconds (pushed over SSE), their traces open as waterfalls spanning several services,
// and the demo's switched-off gift-card route shows up as failures with their reason.
// Everything here is about the demo's services in namespace `default`; other journeys' data
// (namespace e2e) may be on screen too and is ignored.
import { randomBytes } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { auth, E2E_NAMESPACE, seedMesh, serviceByName } from "./support/seed";
import { signIn, snap } from "./support/session";
import { DEMO_URL } from "./support/stack";

/** A W3C traceparent for a sampled request, and its trace id. */
function newTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString("hex");
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` };
}

async function demoServiceId(request: APIRequestContext, name: string): Promise<string> {
  const res = await request.get("/api/v1/services", { headers: auth });
  expect(res.status()).toBe(200);
  const found = ((await res.json()) as Array<{ id: string; name: string; namespace: string }>).find((s) => s.name === name && s.namespace === "default");
  if (!found) throw new Error(`the demo's ${name} service is not registered`);
  return found.id;
}

/** The requests-per-second figure an edge label shows ("12.3 req/s" → 12.3). */
async function edgeRate(page: Page, edge: string): Promise<number> {
  const label = page.locator(`[data-testid="graph-edge-label"][data-edge="${edge}"]`);
  if ((await label.count()) === 0) return 0;
  const text = (await label.locator(".edge-label__main").textContent()) ?? "";
  const m = /([\d.]+)(k?) req\/s/.exec(text);
  return m ? Number(m[1]) * (m[2] ? 1000 : 1) : 0;
}

test("the graph shows the demo's live request rates within seconds, pushed over SSE", async ({ page }, testInfo) => {
  await signIn(page);
  // The live graph arrives as a server-sent event stream through the console's /api forwarder.
  const stream = page.waitForResponse((r) => r.url().includes("/api/trpc/graph.watch"));
  await page.goto("/");
  const sse = await stream;
  expect(sse.status()).toBe(200);
  expect(sse.headers()["content-type"]).toContain("text/event-stream");

  const feed = page.getByTestId("graph-feed");
  await expect(feed).toHaveAttribute("data-transport", "sse");
  await expect(feed).toHaveAttribute("data-state", "live", { timeout: 10_000 });
  await expect(feed).toHaveText(/Live · every second/);

  // The load generator's traffic: ingress to the storefront, and the storefront's calls to catalog.
  await expect.poll(() => edgeRate(page, "external->storefront.default"), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => edgeRate(page, "storefront.default->catalog.default"), { timeout: 15_000 }).toBeGreaterThan(0);
  const storefront = page.locator('[data-node-id="storefront.default"]');
  await expect(page.getByTestId("graph-quiet")).toHaveCount(0);

  // Numbers move with every push, the nodes do not — as long as no service or link came or went
  // (other journeys' services may still be fading out of the window: then measure again).
  const canvas = page.getByTestId("service-graph");
  const label = page.locator('[data-testid="graph-edge-label"][data-edge="storefront.default->catalog.default"]');
  let compared = false;
  for (let attempt = 0; attempt < 5 && !compared; attempt++) {
    const key = await canvas.getAttribute("data-layout-key");
    // The view is fitted to this structure (its short animation over) before anything is measured.
    if (key === null || (await canvas.getAttribute("data-view-key")) !== key) {
      await expect.poll(async () => (await canvas.getAttribute("data-view-key")) === (await canvas.getAttribute("data-layout-key")), { timeout: 5_000 }).toBe(true);
      continue;
    }
    const box = await storefront.boundingBox();
    const before = await label.textContent();
    await expect.poll(() => label.textContent(), { timeout: 10_000 }).not.toBe(before);
    if ((await canvas.getAttribute("data-layout-key")) !== key) continue;
    expect(await storefront.boundingBox()).toEqual(box);
    compared = true;
  }
  expect(compared, "the graph's structure kept changing").toBe(true);
  await snap(page, testInfo, "graph-live-demo");

  // A past window: the same services, read from the store, the choice kept in the URL.
  await page.getByRole("radiogroup", { name: "Time window" }).getByRole("radio", { name: "5 min" }).click();
  await expect(page).toHaveURL(/\/\?window=5m$/);
  await expect(page.getByRole("radio", { name: "5 min" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByTestId("graph-feed")).toHaveCount(0);
  await expect.poll(() => edgeRate(page, "storefront.default->catalog.default"), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(page.getByText(/over the last 5 minutes/)).toBeVisible();
  await snap(page, testInfo, "graph-5m");
});

test("a demo request's trace opens as a waterfall with spans from several services", async ({ page, request }, testInfo) => {
  const { traceId, traceparent } = newTrace();
  const res = await request.get(`${DEMO_URL}/api/products/b2`, { headers: { traceparent } });
  expect(res.status()).toBe(200);

  await signIn(page);
  await page.goto(`/traces/${traceId}`);
  // Each hop exports its span on its own: the page re-reads until they are in.
  const rows = page.getByTestId("waterfall-row");
  await expect.poll(async () => new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-service")))).size, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  await expect(rows.filter({ hasText: "inbound storefront.default" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "outbound catalog.default" }).first()).toBeVisible();
  await expect(page.locator(`[data-service="catalog.default"]`).first()).toBeVisible();
  await expect(page.getByText(`Trace ${traceId}`)).toBeVisible();

  // Choosing a span shows its attributes.
  await rows.filter({ hasText: "inbound catalog.default" }).first().click();
  const details = page.getByTestId("span-details");
  await expect(details).toContainText("inbound catalog.default");
  await expect(details).toContainText("http.request.method");
  await expect(details).toContainText("/books/b2");
  await snap(page, testInfo, "trace-waterfall");

  // The traces page lists the demo's traces; one opens from the list.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Traces" }).click();
  await page.getByLabel("Service", { exact: true }).selectOption("storefront.default");
  await expect(page).toHaveURL(/\/traces\?service=storefront\.default$/);
  const table = page.getByRole("table", { name: "Traces" });
  await expect(table.getByRole("row").nth(1)).toContainText("storefront.default");
  await snap(page, testInfo, "traces-list");
  await table.getByRole("row").nth(1).getByRole("link").click();
  await expect(page).toHaveURL(/\/traces\/[0-9a-f]{32}$/);
  await expect(page.getByTestId("waterfall-row").first()).toBeVisible();
});

test("the switched-off gift-card route shows up as failures with their reason", async ({ page, request }, testInfo) => {
  // A few failing requests of our own (the load generator sends some too), one of them traced.
  const { traceId, traceparent } = newTrace();
  for (let i = 0; i < 3; i++) {
    const res = await request.get(`${DEMO_URL}/api/gift-cards`, { headers: i === 0 ? { traceparent } : {} });
    expect(res.status()).toBe(503);
  }

  await signIn(page);
  await page.goto(`/services/${await demoServiceId(page.request, "catalog")}`);
  const failures = page.getByTestId("service-failures");
  const reason = failures.locator('.reason-bar[data-reason="fault_injected"]');
  await expect(reason).toBeVisible({ timeout: 20_000 });
  await expect(failures).toContainText("A fault-injection policy aborted or delayed the request on purpose.");
  const sampled = failures.getByRole("table", { name: "Recent failed requests" }).getByRole("row").filter({ hasText: "/gift-cards" }).first();
  await expect(sampled).toContainText("503");
  await expect(sampled).toContainText("fault_injected");
  // The success rate chart and the version table carry the failures too.
  await expect(page.getByTestId("chart-success")).toBeVisible();
  await failures.scrollIntoViewIfNeeded();
  await snap(page, testInfo, "catalog-failures");

  // The traced failure: its error span names the reason.
  await page.goto(`/traces/${traceId}`);
  const failed = page.getByTestId("waterfall-row").and(page.locator('[data-status="error"]')).filter({ hasText: "fault_injected" });
  await expect(failed.first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("span-details")).toContainText("fault_injected");
  await expect(page.getByTestId("span-details")).toContainText("A fault-injection policy");
  await snap(page, testInfo, "trace-failed");
});

test("empty telemetry views say why they are empty", async ({ page, request }, testInfo) => {
  // A service nothing ever calls (namespace e2e, no sidecar, not in any stand-in's call pattern)
  // while the demo's sidecars keep reporting: "no traffic", not a blank chart.
  await seedMesh(request, [{ name: "inventory", port: 9080, versions: [{ name: "v1", endpoints: [{ address: "127.0.0.1", port: 19051 }] }] }]);
  const inventory = await serviceByName(request, "inventory");
  await signIn(page);
  await page.goto(`/services/${inventory.id}`);
  const traffic = page.getByTestId("service-traffic").getByTestId("telemetry-empty");
  await expect(traffic).toHaveAttribute("data-reason", "no_traffic");
  await expect(traffic).toContainText("No traffic in the last 5 minutes");
  await expect(traffic).toContainText(`no request went through inventory.${E2E_NAMESPACE}`);
  await expect(page.getByTestId("service-traces").getByTestId("telemetry-empty")).toHaveAttribute("data-reason", "no_traffic");

  // The window is part of the sentence, and of the URL.
  await page.getByTestId("service-traffic").getByRole("radio", { name: "24 hours" }).click();
  await expect(page).toHaveURL(/\?window=24h$/);
  await expect(traffic).toContainText("No traffic in the last 24 hours");
  await snap(page, testInfo, "service-no-traffic");

  // Traces filtered down to nothing while the demo's traffic flows: the filters are the reason.
  await page.goto(`/traces?service=inventory.${E2E_NAMESPACE}&status=error&min=60000`);
  const empty = page.getByTestId("telemetry-empty");
  await expect(empty).toHaveAttribute("data-reason", "no_match");
  await expect(empty).toContainText("Nothing matches these filters in the last hour");
  await expect(page.getByLabel("Min duration (ms)")).toHaveValue("60000");
  await expect(page.getByRole("radio", { name: "Error" })).toHaveAttribute("aria-checked", "true");

  // A hand-edited link with a bad value: ignored, and the page says which field.
  await page.goto("/traces?min=fast");
  await expect(page.getByRole("status").filter({ hasText: "Some filters in the link were ignored" })).toContainText("min duration: must be a number of milliseconds");
});
