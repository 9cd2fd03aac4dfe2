// Signing in without the form (for journeys about something else), and screenshots a reviewer
// can open after a run.
import type { Page, TestInfo } from "@playwright/test";
import { expect } from "@playwright/test";
import { ADMIN } from "./stack";

/** Signs in through the API; the session cookie lands in the page's browser context. */
export async function signIn(page: Page): Promise<void> {
  const res = await page.request.post("/api/v1/auth/login", { data: ADMIN });
  expect(res.status(), await res.text()).toBe(200);
}

/** A full-page screenshot in the test's output folder (test-results/playwright/<test>/<name>.png). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}
