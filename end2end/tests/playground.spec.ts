import { expect, test } from "@playwright/test";

import { E2E_APP, E2E_EMAIL, E2E_PASSWORD } from "../global-setup";

test.skip(!process.env.E2E_FAKE_LIVEKIT_CMD, "needs the fake LiveKit that scripts/test starts");

// The fake LiveKit speaks LiveKit's server API (Twirp) and sends its signed webhooks, but is no
// media server: the browser's signalling connection to it fails. So the call goes through the
// real start (session stored, agent dispatched, conversation opened) and then, in the browser,
// from connecting to a clear error: what a tester sees when LiveKit cannot be reached.
test("Start opens a real session and shows connecting, then a clear error when LiveKit cannot be reached", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_EMAIL);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Playground" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Playground");
  await expect(page.locator("#voice-unavailable")).toHaveCount(0);
  const state = page.locator("#call-state");
  await expect(state).toHaveAttribute("data-state", "idle");

  // Realtime mode shows its own fields and hides the pipeline's.
  await page.getByLabel("Realtime (speech to speech)").check();
  await expect(page.getByLabel("Realtime model")).toBeVisible();
  await expect(page.getByLabel("STT")).toBeHidden();
  await page.getByLabel("Greeting").fill("Hello from the browser test");

  // Every state the page passes through, as the island sets them.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStates: string[] }).seenStates = seen;
    const element = document.querySelector("#call-state")!;
    new MutationObserver(() => seen.push(element.getAttribute("data-state") ?? "")).observe(element, {
      attributes: true,
    });
  });
  // A click before the island hydrated would post the plain form: retry until it is live.
  await expect(async () => {
    await page.getByRole("button", { name: "Start call" }).click();
    await expect(state).not.toHaveAttribute("data-state", "idle", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(state).toHaveAttribute("data-state", "error", { timeout: 20_000 });
  await expect(page.locator("#call-error")).toContainText("Could not connect to LiveKit at http://127.0.0.1:");
  const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
  expect(seen).toContain("connecting");
  await expect(page.locator("#end-call")).toBeHidden();
  await expect(page.getByRole("button", { name: "Start call" })).toBeEnabled();
  await page.screenshot({ path: "test-results/playground.png", fullPage: true });

  // The session really started: it is listed with the agent's configuration from the form.
  await page.getByRole("link", { name: "Voice sessions" }).click();
  await page.locator("#voice-sessions a", { hasText: "playground-" }).first().click();
  await expect(page.locator("body")).toContainText("Hello from the browser test");
  await expect(page.locator("body")).toContainText(`"realtime": true`);
  expect(errors).toEqual([]);
});

test("the playground page reads without JavaScript and names what it needs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_EMAIL);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.goto(`/apps/${E2E_APP}/playground`);
  await expect(page.getByRole("button", { name: "Start call" })).toBeVisible();
  await expect(page.locator("#call-state")).toHaveText("idle");
  await context.close();
});
