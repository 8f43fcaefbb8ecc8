import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { E2E_APP, E2E_APP_SECRET, E2E_EMAIL, E2E_PASSWORD, VIEWER_EMAIL } from "../global-setup";

test.skip(!process.env.E2E_SERVER_CMD, "needs the users and app made by global setup");

const agentApi = { authorization: `Bearer ${E2E_APP_SECRET}`, "x-app-slug": E2E_APP };

/** Posts to the agent API as the app's own agent would. */
async function asAgent(request: APIRequestContext, path: string, data: unknown) {
  const response = await request.post(path, { headers: agentApi, data });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

async function signIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("sign-in lands on the app's overview, with charts and a working range selector", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  for (const [sessionId, status] of [["e2e-a", "resolved"], ["e2e-b", "active"], ["e2e-c", "abandoned"]]) {
    await asAgent(request, "/api/conversations", { sessionId, status, channel: "voice" });
  }
  await asAgent(request, "/api/csat", { sessionId: "e2e-a", rating: 5 });

  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(new RegExp(`/apps/${E2E_APP}/overview$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overview");
  await expect(page.locator("#current-app")).toContainText("E2E Shop");
  await expect(page.locator("#chart-conversations rect.bar")).toHaveCount(31);
  await expect(page.locator(".stat-value").first()).toHaveText("3");

  await page.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/days=7$/);
  await expect(page.locator("#chart-conversations rect.bar")).toHaveCount(8);
  await page.screenshot({ path: "test-results/overview.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("an open conversation shows new messages without a reload", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  await asAgent(request, "/api/conversations", { sessionId: "e2e-live", channel: "voice" });
  await asAgent(request, "/api/messages", {
    messages: [{ sessionId: "e2e-live", participantIdentity: "caller", role: "user", content: "Hello, is anyone there?", isFinal: true, createdAt: Date.now() }],
  });

  await signIn(page, E2E_EMAIL);
  await page.getByRole("link", { name: "Conversations" }).click();
  await expect(page.locator("#conversations")).toContainText("e2e-live");
  await page.getByRole("link", { name: "e2e-live" }).click();
  await expect(page.locator("#transcript")).toContainText("Hello, is anyone there?");
  await expect(page.locator(".live-dot")).toBeVisible();

  // Posted through the agent API while the page is open: it arrives over the live stream.
  await expect(async () => {
    await asAgent(request, "/api/messages", {
      messages: [{ sessionId: "e2e-live", participantIdentity: "agent", role: "agent", content: "Yes, I am here to help.", isFinal: true, createdAt: Date.now(), segmentId: "seg-1" }],
    });
    await expect(page.locator("#transcript")).toContainText("Yes, I am here to help.", { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await page.screenshot({ path: "test-results/conversation.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("a new handoff appears in the open queue, and the agent claims and resolves it", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Handoff queue" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Handoff queue");

  await asAgent(request, "/api/handoffs", {
    sessionId: "e2e-handoff",
    reason: "Refund over the limit",
    priority: "urgent",
    transcript: [{ role: "user", content: "I want my money back", ts: Date.now() }],
    aiSummary: "Customer asks for a refund of 240 EUR; policy caps agent refunds at 100 EUR.",
  });
  const card = page.locator(".handoff", { hasText: "Refund over the limit" });
  await expect(card).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText("policy caps agent refunds");
  await page.screenshot({ path: "test-results/handoffs.png", fullPage: true });

  await card.getByRole("button", { name: "Claim" }).click();
  await expect(card).toHaveCount(0);
  await page.getByRole("link", { name: "claimed" }).click();
  const claimed = page.locator(".handoff", { hasText: "Refund over the limit" });
  await expect(claimed).toContainText(`assigned to ${E2E_EMAIL}`);
  await claimed.getByLabel("Outcome").selectOption("good");
  await claimed.getByLabel("Notes").fill("Refunded by a supervisor");
  await claimed.getByRole("button", { name: "Resolve" }).click();
  await expect(claimed).toHaveCount(0);
  await page.getByRole("link", { name: "resolved" }).click();
  await expect(page.locator(".handoff", { hasText: "Refund over the limit" })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a viewer reads the queue but gets no actions", async ({ page, request }) => {
  await asAgent(request, "/api/handoffs", { sessionId: "e2e-viewer", reason: "Viewer check", transcript: [] });
  await signIn(page, VIEWER_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Handoff queue" }).click();
  const card = page.locator(".handoff", { hasText: "Viewer check" });
  await expect(card).toBeVisible();
  await expect(card.getByRole("button")).toHaveCount(0);
});

test("the persona preview follows the fields as they are typed, and saving keeps them", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Persona" }).click();
  const preview = page.locator("#instructions-preview");
  await expect(preview).toContainText("You are a helpful assistant.");

  // Typing before hydration changes nothing in the preview: retry until the wasm took over.
  await expect(async () => {
    await page.getByLabel("Name").fill("");
    await page.getByLabel("Name").fill("Juniper");
    await expect(preview).toContainText("Your name is Juniper.", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await page.getByLabel("Tone").fill("calm");
  await page.getByLabel("Blocked terms").fill("cheap, problem");
  await expect(preview).toContainText("Speak in a calm tone.");
  await expect(preview).toContainText("Never use these terms: cheap, problem.");
  await page.screenshot({ path: "test-results/persona.png", fullPage: true });

  await page.getByRole("button", { name: "Save persona" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
  const persona = await (await request.get("/api/persona", { headers: agentApi })).json();
  expect(persona.personaName).toBe("Juniper");
  expect(persona.instructions).toContain("Speak in a calm tone.");
  expect(errors).toEqual([]);
});

test("an experiment is started, paused and shown with its results", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Experiments" }).click();
  const form = page.locator("#new-experiment");
  await form.getByLabel("Name").fill("Greeting test");
  await form.getByLabel("Variants").fill('formal 50\ncasual 50 {"greeting": "Hey!"}');
  await form.getByRole("button", { name: "Start experiment" }).click();
  const card = page.locator(".experiment", { hasText: "Greeting test" });
  await expect(card).toContainText("active");
  await expect(card.locator("tbody tr")).toHaveCount(2);
  await card.getByRole("button", { name: "Pause" }).click();
  await expect(card.getByRole("button", { name: "Resume" })).toBeVisible();
  await page.screenshot({ path: "test-results/experiments.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("a guardrail rule is added and a text tested against it without recording", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Guardrails" }).click();
  await expect(page.locator("#guardrails-state")).toContainText("Checks are off");

  await page.getByText("Add a rule").click();
  const form = page.locator(".new-rule form");
  await form.getByLabel("Type").selectOption("pii_filter");
  await form.getByLabel("Pattern").fill("credit_card, email");
  await form.getByLabel("What the agent says instead").fill("Please do not share card numbers.");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(page.locator("#guardrail-rules")).toContainText("credit_card, email");

  await expect(async () => {
    await page.locator("#guardrail-test").getByLabel("Text").fill("My card is 4111 1111 1111 1111");
    await page.locator("#guardrail-test").getByRole("button", { name: "Check" }).click();
    await expect(page.locator("#guardrail-verdict")).toContainText("Blocked", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.locator("#guardrail-verdict")).toContainText("Please do not share card numbers.");
  await page.screenshot({ path: "test-results/guardrails.png", fullPage: true });

  const violations = await (await request.get("/api/guardrails/violations", { headers: agentApi })).json();
  expect(violations.violations).toEqual([]);
  expect(errors).toEqual([]);
});

test("a document is added, embedded, and found by the search tester", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Knowledge" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Knowledge");

  await page.getByText("Write or paste a document").click();
  const form = page.locator("#add-document");
  await form.getByLabel("Title").fill("Returns policy");
  await form.getByLabel("Category").fill("policy");
  await form.getByLabel("Content").fill("# Returns\nUnworn shoes can be returned within 30 days for a full refund.");
  await form.getByRole("button", { name: "Add document" }).click();
  const row = page.locator("#documents tr", { hasText: "Returns policy" });
  await expect(row).toContainText("ready", { timeout: 30_000 });

  const tester = page.locator("#search-tester");
  await tester.getByLabel("Question").fill("Can I send back shoes I did not wear?");
  await tester.getByRole("button", { name: "Search" }).click();
  await expect(page.locator("#search-results")).toContainText("Returns policy", { timeout: 30_000 });
  await page.screenshot({ path: "test-results/knowledge.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("a tool is registered with its schema checked while typed", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Tools" }).click();
  await page.getByText("Register a tool").click();
  const form = page.locator(".new-item form");
  await form.getByLabel("Name").fill("lookup_order");
  await form.getByLabel("Description").fill("Looks up an order by its id");
  await form.getByLabel("Endpoint").fill("https://api.example.com/orders");
  const schema = form.getByLabel("Parameters (JSON Schema)");
  await expect(async () => {
    await schema.fill('{"type": "object", "properties": {');
    await expect(form.getByText(/Not JSON yet/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await schema.fill('{"type": "object", "properties": {"orderId": {"type": "string"}}, "required": ["orderId"]}');
  await expect(form.getByText("Valid JSON object.")).toBeVisible();
  await form.getByRole("button", { name: "Register tool" }).click();
  const card = page.locator(".tool", { hasText: "lookup_order" });
  await expect(card).toContainText("POST https://api.example.com/orders");
  await page.screenshot({ path: "test-results/tools.png", fullPage: true });
  expect(errors).toEqual([]);
});

test("a new app's secret is shown once, on the page that made it", async ({ page }) => {
  const errors = collectPageErrors(page);
  await signIn(page, E2E_EMAIL);
  await expect(page).toHaveURL(/overview$/);
  await page.getByRole("link", { name: "Apps & settings" }).click();
  const form = page.locator("#new-app");
  // A click before hydration posts the plain form (the app is made, its secret not shown), so
  // each try uses a slug of its own.
  let tries = 0;
  await expect(async () => {
    tries += 1;
    await form.getByLabel("Name").fill("Second shop");
    await form.getByLabel("Slug").fill(`second-shop-${tries}`);
    await form.getByRole("button", { name: "Create app" }).click();
    await expect(page.locator("#app-secret")).toContainText("sbk_", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.locator("#secret-once")).toContainText(`Open Second shop`);
  await page.screenshot({ path: "test-results/apps.png", fullPage: true });
  await page.reload();
  await expect(page.locator("#app-secret")).toHaveCount(0);
  await expect(page.locator("#apps")).toContainText(`second-shop-${tries}`);
  expect(errors).toEqual([]);
});
