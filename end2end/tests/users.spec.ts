import { expect, test, type Page } from "@playwright/test";

import { E2E_EMAIL, E2E_PASSWORD, VIEWER_EMAIL } from "../global-setup";

test.skip(!process.env.E2E_SERVER_CMD, "needs the users and app made by global setup");

async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/overview$/);
}

test("an owner adds a member and changes their role; the new member signs in with it", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await signIn(page, E2E_EMAIL);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Users");
  await expect(page.locator("#members")).toContainText(E2E_EMAIL);
  await expect(page.locator("#members")).toContainText(VIEWER_EMAIL);

  const form = page.locator("#add-member");
  await form.getByLabel("Name").fill("Sam Support");
  await form.getByLabel("Email").fill("sam@e2e.example");
  await form.getByLabel("Password").fill(E2E_PASSWORD);
  await form.getByLabel("Role").selectOption("agent");
  await form.getByRole("button", { name: "Add member" }).click();
  const row = page.locator('tr[data-member="sam@e2e.example"]');
  await expect(row).toContainText("Sam Support");
  await expect(row.getByRole("combobox")).toHaveValue("agent");

  await row.getByRole("combobox").selectOption("admin");
  // The select shows the new role before the server has it: wait for the reload that follows
  // the change, or it would wipe the form filled next.
  await Promise.all([page.waitForEvent("load"), row.getByRole("button", { name: "Change" }).click()]);
  await expect(page.locator('tr[data-member="sam@e2e.example"]').getByRole("combobox")).toHaveValue("admin");

  // The same email again is refused with the reason, and nothing else changes.
  await form.getByLabel("Name").fill("Sam Again");
  await form.getByLabel("Email").fill("sam@e2e.example");
  await form.getByLabel("Password").fill(E2E_PASSWORD);
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("alert")).toContainText("already");
  await page.screenshot({ path: "test-results/users.png", fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, "sam@e2e.example");
  await expect(page.locator("#signed-in-as")).toHaveText("sam@e2e.example");
  await expect(page.locator(".user-role")).toContainText("admin");
  expect(errors).toEqual([]);
});

test("a viewer sees the members but cannot change them", async ({ page }) => {
  await signIn(page, VIEWER_EMAIL);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.locator("#members")).toContainText(E2E_EMAIL);
  await expect(page.locator("#add-member")).toHaveCount(0);
  await expect(page.locator("#members").getByRole("combobox")).toHaveCount(0);
});
