// The walking skeleton's promise, end to end: an operator signs in, changes the demo's reviews split
// from 100/0 to 0/100 in the console, and real requests through the demo's sidecars reach v2.
import { expect, test } from "@playwright/test";
import { snap } from "./support/session";
import { ADMIN, API_TOKEN, CONTROLLER_URL, DEMO_URL } from "./support/stack";

async function reviewsVersions(request: import("@playwright/test").APIRequestContext, n: number): Promise<string[]> {
  const versions: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request.get(`${DEMO_URL}/api/products/b${(i % 4) + 1}`);
    expect(res.status()).toBe(200);
    versions.push(((await res.json()) as { reviews: { version: string } }).reviews.version);
  }
  return versions;
}

test("changing the demo's reviews split in the console moves real requests to v2", async ({ page, request }, testInfo) => {
  // The demo starts at 100% v1.
  expect(new Set(await reviewsVersions(request, 12))).toEqual(new Set(["v1"]));

  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/$/);

  const services = (await (await request.get(`${CONTROLLER_URL}/api/v1/services`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json()) as Array<{
    id: string;
    name: string;
    namespace: string;
  }>;
  const reviews = services.find((s) => s.name === "reviews" && s.namespace === "default")!;
  await page.goto("/services");
  await page.getByRole("link", { name: "reviews" }).and(page.locator(`[href="/services/${reviews.id}"]`)).click();
  await expect(page.getByLabel("Weight for v1")).toHaveValue("100");

  await page.getByRole("button", { name: "Preset v1 0%, v2 100%" }).click();
  await expect(page.getByLabel("Weight for v2")).toHaveValue("100");
  await page.getByRole("button", { name: "Apply split" }).click();
  await expect(page.getByText(/Applied — revision \d+/).first()).toBeVisible();

  // Through the demo: the storefront's sidecar now sends every reviews call to v2.
  await expect.poll(async () => new Set(await reviewsVersions(request, 12)), { timeout: 10_000 }).toEqual(new Set(["v2"]));
  await page.goto(DEMO_URL);
  await expect(page.locator("body")).toHaveAttribute("data-reviews-version", "v2");
  await expect(page.getByLabel(/of 5 stars/).first()).toBeVisible();
  await snap(page, testInfo, "shop-after-split");
});
