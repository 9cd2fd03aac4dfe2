// Operator journeys through the console: signing in and out, the route guard, the services list,
// the split editor (client-side refusal, then a real change checked through the API), the live
// graph, proxies and the revision history.
import { expect, test, type Page } from "@playwright/test";
import { startFakeMesh, type FakeSidecar } from "./support/fake-sidecars";
import { auth, E2E_NAMESPACE, seedMesh, serviceByName } from "./support/seed";
import { signIn, snap } from "./support/session";
import { ADMIN, CONSOLE_URL, XDS_ADDRESS } from "./support/stack";

test.beforeAll(async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: CONSOLE_URL });
  await seedMesh(api);
  await api.dispose();
});

/** The row of a seeded (namespace e2e) service in the services table. */
const serviceRow = (page: Page, name: string) =>
  page.getByRole("table", { name: "Services" }).getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) }).filter({ hasText: E2E_NAMESPACE });

test("an unauthenticated visit is sent to /login and comes back after signing in", async ({ page }) => {
  await page.goto("/services");
  await expect(page).toHaveURL(/\/login\?next=%2Fservices$/);
  await expect(page.getByRole("heading", { name: "Sign in to Weft" })).toBeVisible();

  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/services$/);
  await expect(page.getByRole("heading", { name: "Services" })).toBeVisible();
});

test("login: a wrong password is refused inline, the right one lands on the graph", async ({ page }, testInfo) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toHaveText("Wrong username or password");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await snap(page, testInfo, "login-error");

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${CONSOLE_URL}/`);
  await expect(page.getByRole("heading", { name: "Service graph" })).toBeVisible();
  // Every seeded service is a node, whether or not traffic flows.
  await expect(page.locator('[data-node-id="reviews.e2e"]')).toBeVisible();
  await expect(page.locator('[data-node-id="ratings.e2e"]')).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Service graph" })).toHaveAttribute("aria-current", "page");
  await snap(page, testInfo, "graph");
});

test("login: repeated failures get the API's lockout message", async ({ page }) => {
  // Another user name: lockouts are per user, and admin must stay usable for the other journeys.
  await page.goto("/login");
  await page.getByLabel("Username").fill("mallory");
  // The controller allows 5 failures, then locks the user out for a growing time.
  let answer = "";
  for (let attempt = 1; attempt <= 8 && !answer.includes("too many"); attempt++) {
    await page.getByLabel("Password").fill(`guess-${attempt}`);
    const response = page.waitForResponse((r) => r.url().includes("/api/trpc/auth.login"));
    await page.getByRole("button", { name: "Sign in" }).click();
    answer = await (await response).text();
  }
  await expect(page.locator("#login-error")).toHaveText(/^Too many failed attempts for "mallory"; try again in \d+ s$/);
  await expect(page).toHaveURL(/\/login$/);
});

test("the services list shows the seeded services with versions, endpoint health and split", async ({ page }, testInfo) => {
  await signIn(page);
  await page.goto("/services");
  const reviews = serviceRow(page, "reviews");
  await expect(reviews).toBeVisible();
  await expect(reviews.getByText("v1", { exact: true })).toBeVisible();
  await expect(reviews.getByText("v2", { exact: true })).toBeVisible();
  await expect(reviews).toContainText("3/3 healthy");
  const ratings = serviceRow(page, "ratings");
  await expect(ratings).toContainText("1/2 healthy");
  await expect(ratings).toContainText("1 draining");
  await expect(serviceRow(page, "productpage")).toContainText("The storefront");
  await snap(page, testInfo, "services");
});

test.describe.serial("changing the reviews split", () => {
  test("the split editor refuses an invalid split, then applies a valid one", async ({ page, request }, testInfo) => {
    await signIn(page);
    await page.goto("/services");
    await serviceRow(page, "reviews").getByRole("link", { name: "reviews", exact: true }).click();
    await expect(page.getByRole("heading", { name: /reviews/ })).toBeVisible();

    const v1 = page.getByLabel("Weight for v1", { exact: true });
    const v2 = page.getByLabel("Weight for v2", { exact: true });
    const apply = page.getByRole("button", { name: "Apply split" });

    // Sum is 90: refused before anything is sent, with the API's own wording.
    await v1.fill("70");
    await v2.fill("20");
    await expect(page.getByTestId("split-total")).toHaveText("90%");
    await expect(page.getByTestId("split-error")).toHaveText("weights must sum to 100 (they sum to 90)");
    await expect(apply).toBeDisabled();
    await snap(page, testInfo, "split-invalid-sum");

    // Not a whole number: the message sits next to the field.
    await v2.fill("30.5");
    await expect(v2).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#weight-error-v2")).toHaveText("v2: must be a whole number");
    await expect(apply).toBeDisabled();

    // A preset, then a valid hand-made split.
    await page.getByRole("button", { name: "Preset v1 0%, v2 100%" }).click();
    await expect(v1).toHaveValue("0");
    await expect(v2).toHaveValue("100");
    await expect(apply).toBeEnabled();
    await v1.fill("70");
    await v2.fill("30");
    await expect(page.getByTestId("split-total")).toHaveText("100%");
    await expect(apply).toBeEnabled();
    await apply.click();

    await expect(page.getByText(/Applied — revision \d+/).first()).toBeVisible();
    // The page now shows the live split and the new catch-all route.
    await expect(page.getByRole("list", { name: "Routes" })).toContainText("default");
    await expect(page.getByRole("list", { name: "Routes" })).toContainText("v1 70% / v2 30%");
    await expect(apply).toBeDisabled(); // nothing left to apply
    await snap(page, testInfo, "split-applied");

    // The controller has it: checked through the REST API with the token, not the UI.
    const service = await serviceByName(request, "reviews");
    const res = await request.get(`/api/v1/services/${service.id}`, { headers: auth });
    const body = (await res.json()) as typeof service;
    const catchAll = body.routes.find((r) => r.match.path.type === "prefix" && r.match.path.value === "/" && r.match.headers.length === 0);
    expect(catchAll?.name).toBe("default");
    expect([...(catchAll?.backends ?? [])].sort((a, b) => a.version.localeCompare(b.version))).toEqual([
      { version: "v1", weight: 70 },
      { version: "v2", weight: 30 },
    ]);

    // And the services list shows it as the current split.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Services" }).click();
    await expect(serviceRow(page, "reviews")).toContainText("v1 70% / v2 30%");
  });

  test("revisions show the split change with its before and after", async ({ page }, testInfo) => {
    await signIn(page);
    await page.goto("/revisions");
    const table = page.getByRole("table", { name: "Revisions" });
    const row = table.getByRole("row").filter({ hasText: "split of reviews.e2e route default" }).first();
    await expect(row).toContainText("all versions → v1 70% / v2 30%");
    await expect(row).toContainText("split.set");
    await expect(row).toContainText("admin");
    // Newest first: the split is the latest change.
    await expect(table.getByRole("row").nth(1)).toContainText("split.set");

    await row.getByRole("button", { name: /Show change of revision \d+/ }).click();
    await expect(page.getByLabel("After JSON")).toContainText('"weight": 30');
    await expect(page.getByText("did not exist")).toBeVisible(); // the route was created by this change
    await snap(page, testInfo, "revisions");
  });
});

test.describe("with sidecars connected", () => {
  let mesh: FakeSidecar[] = [];
  test.afterEach(() => {
    for (const s of mesh) s.close();
    mesh = [];
  });

  test("the graph draws live traffic and keeps every node in place while numbers update", async ({ page }, testInfo) => {
    mesh = startFakeMesh(XDS_ADDRESS, { reviewsV2Share: 0.3 });
    await signIn(page);
    await page.goto("/");
    // This journey's services live in namespace e2e (the demo's, in default, are on the graph too).
    const labels = page.locator('[data-testid="graph-edge-label"][data-edge$=".e2e"]');
    // external→productpage, productpage→reviews, productpage→details, reviews→ratings.
    await expect(labels).toHaveCount(4, { timeout: 15_000 });
    await expect(page.getByTestId("graph-quiet")).toHaveCount(0);
    await expect(page.locator('[data-node-id="external"]')).toBeVisible();
    const productToReviews = labels.filter({ hasText: "v1" }).filter({ hasText: "v2" });
    await expect(productToReviews).toContainText(/req\/s/);
    await expect(productToReviews).toContainText(/p99/);

    // Every edge of this journey is drawn (above), so the structure is final: compare positions across
    // refreshes, once the view is fitted to it.
    const canvas = page.getByTestId("service-graph");
    await expect.poll(async () => (await canvas.getAttribute("data-view-key")) === (await canvas.getAttribute("data-layout-key")), { timeout: 5_000 }).toBe(true);
    const boxes = async () =>
      page.locator("[data-node-id]").evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-node-id"), e.getBoundingClientRect().toJSON()])));
    const before = await boxes();
    const textBefore = await labels.allTextContents();
    // Numbers change every second (the fake sidecars jitter their rates)...
    await expect.poll(async () => (await labels.allTextContents()).join("|"), { timeout: 10_000 }).not.toBe(textBefore.join("|"));
    // ...but nothing moves.
    expect(await boxes()).toEqual(before);
    await snap(page, testInfo, "graph-live");

    // A node opens its service.
    await page.locator('[data-node-id="reviews.e2e"]').click();
    await expect(page).toHaveURL(/\/services\/[^/]+$/);
    await expect(page.getByRole("heading", { name: /reviews/ })).toBeVisible();
  });

  test("proxies show each sidecar's ACKed config, and a NACK reason in red", async ({ page }, testInfo) => {
    const reason = 'route weft.outbound: weighted cluster "reviews.e2e|v3" is not defined';
    mesh = startFakeMesh(XDS_ADDRESS, { nackRatings: reason });
    await signIn(page);
    await page.goto("/proxies");
    const table = page.getByRole("table", { name: "Proxies" });
    const productpage = table.getByRole("row").filter({ hasText: mesh[0]!.nodeId });
    await expect(productpage).toContainText("productpage");
    await expect(productpage).toContainText("up to date");
    await expect(table.getByRole("row").filter({ hasText: mesh[4]!.nodeId })).toContainText("RDS rejected");
    const nack = page.getByRole("alert").filter({ hasText: reason });
    await expect(nack).toBeVisible();
    await expect(nack).toHaveCSS("color", "rgb(185, 28, 28)");
    await snap(page, testInfo, "proxies");
  });
});

test("a session the controller no longer knows sends the operator back to /login", async ({ page, context }) => {
  // The route guard only sees that a cookie is present; the API's UNAUTHORIZED does the rest.
  await context.addCookies([{ name: "weft_session", value: "revoked-or-expired", url: CONSOLE_URL }]);
  await page.goto("/services");
  await expect(page).toHaveURL(/\/login\?next=%2Fservices$/);
  await expect(page.getByRole("heading", { name: "Sign in to Weft" })).toBeVisible();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page);
  await page.goto("/revisions");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The controller cleared the cookie: pages redirect again, the API refuses.
  await page.goto("/proxies");
  await expect(page).toHaveURL(/\/login\?next=%2Fproxies$/);
  expect((await page.request.get("/api/v1/auth/me")).status()).toBe(401);
});
