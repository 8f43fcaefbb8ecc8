import { expect, test, type Page } from "@playwright/test";

import { customerSite, signIn, submit } from "../customer-site";
import { E2E_APP, E2E_APP_SECRET } from "../global-setup";

test.skip(!process.env.E2E_SERVER_CMD, "needs the users and app made by global setup");

const agentApi = { authorization: `Bearer ${E2E_APP_SECRET}`, "x-app-slug": E2E_APP };

/** Presses a shortcut key until `done` holds: the keys work once the page's islands are live. */
async function shortcut(page: Page, key: string, done: () => Promise<void>) {
  await expect(async () => {
    await page.locator("body").press(key);
    await done();
  }).toPass({ timeout: 15_000 });
}

test("a visitor's chat reaches the inbox live, gets a snippet reply live, and is rated when closed", async ({
  page,
  browser,
  baseURL,
}) => {
  const site = await customerSite("127.0.0.2", baseURL!);
  try {
    await signIn(page);
    // The customer's origin, a snippet, and ratings on.
    await page.goto(`/apps/${E2E_APP}/widget`);
    await page.locator("#origins-form textarea").fill(site.origin);
    await page.locator("#origins-form").getByRole("button", { name: "Save origins" }).click();
    await expect(page.locator("#origins-form")).toContainText("Saved");
    await page.goto(`/apps/${E2E_APP}/snippets`);
    const snippetForm = page.locator("form", { has: page.getByRole("button", { name: "Add the snippet" }) });
    await snippetForm.getByLabel("Name").fill("Tent stock");
    await snippetForm.getByLabel("Shortcut").fill("stock");
    await snippetForm.getByLabel("Content").fill("Yes, the blue tent is in stock and ships today.");
    await submit(page, snippetForm.getByRole("button", { name: "Add the snippet" }).click());
    await expect(page.locator("#snippets")).toContainText("/stock");
    await page.goto(`/apps/${E2E_APP}/automation`);
    await page.getByLabel(/Ask for a rating/).check();
    await submit(page, page.locator("#automation-form").getByRole("button", { name: "Save" }).click());
    await expect(page.getByLabel(/Ask for a rating/)).toBeChecked();

    // The inbox is open before the visitor writes: the chat must arrive without a reload.
    await page.goto(`/apps/${E2E_APP}/inbox`);
    const context = await browser.newContext();
    const visitor = await context.newPage();
    const errors: string[] = [];
    visitor.on("pageerror", (error) => errors.push(error.message));
    await visitor.goto(site.origin);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const panel = visitor.getByRole("dialog", { name: "Chat with us" });
    // Collect email is on by default: an anonymous visitor is asked for one.
    await panel.getByLabel("Get replies by email too:").fill("camper@example.com");
    await panel.getByRole("button", { name: "Save" }).click();
    await expect(panel.getByLabel("Get replies by email too:")).toBeHidden();
    await panel.getByRole("textbox", { name: "Message" }).fill("Is the blue tent in stock?");
    await panel.getByRole("button", { name: "Send" }).click();
    await expect(panel.locator("li.visitor")).toHaveText("Is the blue tent in stock?");
    const row = page.locator("#inbox tbody tr", { hasText: "camper@example.com" });
    await expect(row).toContainText("1 new", { timeout: 15_000 });
    await page.screenshot({ path: "test-results/inbox-live.png", fullPage: true });

    // The agent opens it with the keyboard, answers with the snippet, assigns it to themselves.
    await row.getByRole("link").click();
    await expect(page.locator("#inbox-thread")).toContainText("Is the blue tent in stock?");
    const reply = page.locator("#reply-body");
    await shortcut(page, "r", () => expect(reply).toBeFocused({ timeout: 500 }));
    await reply.pressSequentially("/sto");
    const suggestions = page.getByRole("listbox", { name: "Snippets" });
    await expect(suggestions.getByRole("option")).toHaveText(["/stock · Tent stock"]);
    await page.screenshot({ path: "test-results/inbox-snippets.png", fullPage: true });
    await reply.press("Enter");
    await expect(reply).toHaveValue("Yes, the blue tent is in stock and ships today.");
    await expect(suggestions).toBeHidden();
    await submit(page, page.locator("#reply-form").getByRole("button", { name: "Send" }).click());
    await shortcut(page, "a", () => expect(page.locator("#conversation-assignee")).toHaveText("owner", { timeout: 2_000 }));

    // The visitor sees the reply live.
    await expect(panel.locator("li.agent")).toHaveText("Yes, the blue tent is in stock and ships today.", {
      timeout: 15_000,
    });

    // The agent closes it; the visitor is offered a rating at once, and rates it.
    await shortcut(page, "c", () => expect(page.locator("#conversation-status")).toHaveText("closed", { timeout: 2_000 }));
    const rating = panel.locator("li.rating");
    await expect(rating).toContainText("How did we do?", { timeout: 15_000 });
    await visitor.screenshot({ path: "test-results/widget-rating.png" });
    await rating.getByRole("button", { name: "5 of 5" }).click();
    await expect(rating).toHaveText("Thank you for your rating!");
    await page.reload();
    await expect(page.locator("#conversation-live")).toContainText("5 of 5");
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    site.close();
  }
});

test("a handoff made through the agent API appears in the inbox with its transcript", async ({ page, request }) => {
  const created = await request.post("/api/handoffs", {
    headers: agentApi,
    data: {
      sessionId: `e2e-handoff-${Date.now()}`,
      reason: "billing_dispute",
      priority: "urgent",
      transcript: [
        { role: "user", content: "I was charged twice for my stove.", ts: 1 },
        { role: "assistant", content: "I am handing you to a colleague.", ts: 2 },
      ],
      aiSummary: "Double charge for a camping stove.",
    },
  });
  expect(created.ok()).toBeTruthy();
  await signIn(page);
  await page.goto(`/apps/${E2E_APP}/inbox?channel=voice`);
  const row = page.locator("#inbox tbody tr").first();
  await expect(row).toContainText("urgent");
  await row.getByRole("link").click();
  const call = page.locator("#handed-off-call");
  await expect(call).toContainText("billing_dispute");
  await expect(call).toContainText("Double charge for a camping stove.");
  await expect(call.locator(".call-transcript")).toContainText("I was charged twice for my stove.");
  await expect(call.locator(".call-transcript")).toContainText("I am handing you to a colleague.");
  await expect(page.locator("#inbox-thread")).toContainText("Internal note");
  await page.screenshot({ path: "test-results/inbox-handoff.png", fullPage: true });
  // Assigning it here claims the handoff.
  await submit(page, page.getByRole("button", { name: "Assign to me" }).click());
  await expect(call).toContainText("claimed");
  // It becomes a ticket, once: the conversation then links to it.
  await page.locator("#ticket-form").getByLabel("Ticket subject").fill("Refund the double charge");
  await submit(page, page.locator("#ticket-form").getByRole("button", { name: "Convert to ticket" }).click());
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Refund the double charge");
  await expect(page.locator("#ticket-status")).toHaveText("Submitted");
  // It keeps the handoff's priority and the conversation's assignee.
  await expect(page.locator("#ticket-facts")).toContainText("urgent");
  await expect(page.locator("#ticket-facts")).toContainText("owner");
  await page.locator("#comment-form").getByLabel("Comment").fill("Refund sent to the card.");
  await submit(page, page.locator("#comment-form").getByRole("button", { name: "Comment" }).click());
  await submit(page, page.getByRole("button", { name: "In progress" }).click());
  await expect(page.locator("#ticket-status")).toHaveText("In progress");
  await page.screenshot({ path: "test-results/ticket.png", fullPage: true });
  await page.getByRole("link", { name: "the conversation" }).click();
  await expect(page.getByRole("link", { name: "Its ticket" })).toBeVisible();
});
