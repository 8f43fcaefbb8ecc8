import { expect, test, type Page } from "@playwright/test";

/** Fails the test on any uncaught error in the page (e.g. a hydration panic). */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test.describe("Status page", () => {
  test("renders on the server, hydrates, and checks the database live", async ({ page }) => {
    const errors = collectPageErrors(page);
    await page.goto("/status");

    await expect(page).toHaveTitle("Status · Switchboard");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Status");
    await expect(page.locator("#status-backend")).toHaveText("SQLite");
    await expect(page.locator("#status-migration")).toContainText("up to date");
    await expect(page.locator("#integrations tbody tr")).toHaveCount(5);
    await expect(page.getByRole("link", { name: "Status" })).toHaveAttribute("aria-current", "page");

    // A click before hydration does nothing: the result only appears once the wasm bundle has
    // taken over the server-rendered button and called the server function.
    const button = page.locator("#run-health-check");
    const result = page.locator("#health-check-result");
    await expect(result).toContainText("Times a query against the database");
    await expect(async () => {
      await button.click();
      await expect(result).toContainText("Database answered in", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    const firstRun = await result.textContent();
    const firstCount = Number(/check (\d+)/.exec(firstRun ?? "")?.[1]);
    expect(firstCount).toBeGreaterThan(0);

    await button.click();
    await expect(result).toContainText(`(check ${firstCount + 1})`);

    await page.screenshot({ path: "test-results/status.png", fullPage: true });
    expect(errors).toEqual([]);
  });

  test.describe("without JavaScript", () => {
    test.use({ javaScriptEnabled: false });

    test("still shows the whole report", async ({ page }) => {
      await page.goto("/status");
      await expect(page.locator("#status-backend")).toHaveText("SQLite");
      await expect(page.locator("#status-version")).not.toBeEmpty();
      await expect(page.locator("#integrations tbody tr")).toHaveCount(5);
    });
  });
});

test("unknown pages answer 404 with a way back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.getByRole("link", { name: "Go to the status page" }).click();
  await expect(page).toHaveURL(/\/status$/);
});

test("API docs load from the server itself", async ({ page }) => {
  const errors = collectPageErrors(page);
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("http://127.0.0.1")) outside.push(request.url());
  });
  await page.goto("/api/docs/");
  await expect(page.getByRole("heading", { name: /Switchboard API/ })).toBeVisible();
  await expect(page.getByText("/api/status").first()).toBeVisible();
  await page.screenshot({ path: "test-results/api-docs.png" });
  expect(outside).toEqual([]);
  expect(errors).toEqual([]);
});
