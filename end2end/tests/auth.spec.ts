import { expect, test } from "@playwright/test";

import { E2E_EMAIL, E2E_PASSWORD } from "../global-setup";

test("a user signs in, sees who they are, and signs out", async ({ page }) => {
  test.skip(!process.env.E2E_SERVER_CMD, "needs the owner created by global setup");
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  await page.goto("/status");
  await page.locator("#sign-in").click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");

  await page.getByLabel("Email").fill(E2E_EMAIL);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong email or password");

  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signed in, a user starts on the Overview of their first app.
  await expect(page).toHaveURL(/\/apps\/e2e-shop\/overview$/);
  await expect(page.locator("#signed-in-as")).toHaveText(E2E_EMAIL);
  await expect(page.locator(".user-role")).toContainText("owner");
  await page.screenshot({ path: "test-results/signed-in.png", fullPage: true });

  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === "sb_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  await page.locator("#sign-out").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/status");
  await expect(page.locator("#sign-in")).toBeVisible();
  expect(errors).toEqual([]);
});
