import { expect, test } from "@playwright/test";

import { customerSite, signIn } from "../customer-site";
import { E2E_APP } from "../global-setup";

test.skip(!process.env.E2E_SERVER_CMD, "needs the users and app made by global setup");

test("a visitor chats from a customer's site through the widget, and the message reaches the contact's page", async ({
  page,
  baseURL,
}) => {
  const allowed = await customerSite("127.0.0.2", baseURL!);
  const refused = await customerSite("127.0.0.1", baseURL!);
  try {
    // The owner allows the customer's origin on the Widget page.
    await signIn(page);
    await page.goto(`/apps/${E2E_APP}/widget`);
    await expect(page.locator("#embed-snippet")).toContainText(`data-app="${E2E_APP}"`);
    await page.locator("#origins-form textarea").fill(allowed.origin);
    await page.locator("#origins-form").getByRole("button", { name: "Save origins" }).click();
    await expect(page.locator("#origins-form")).toContainText("Saved");
    await page.reload();
    await expect(page.locator("#allowed-origins")).toContainText(allowed.origin);
    await page.screenshot({ path: "test-results/widget-settings.png", fullPage: true });

    // On the customer's page: open the widget from the keyboard, write, send.
    const visitor = await page.context().newPage();
    const errors: string[] = [];
    visitor.on("pageerror", (error) => errors.push(error.message));
    await visitor.goto(allowed.origin);
    const launcher = visitor.getByRole("button", { name: "Open chat" });
    await expect(launcher).toBeVisible();
    await launcher.focus();
    await visitor.keyboard.press("Enter");
    const panel = visitor.getByRole("dialog", { name: "Chat with us" });
    await expect(panel).toBeVisible();
    await expect(visitor.getByRole("textbox", { name: "Message" })).toBeFocused();
    await visitor.keyboard.type("Do you ship tents to Lisbon?");
    await visitor.keyboard.press("Enter");
    await expect(panel.locator("li.visitor")).toHaveText("Do you ship tents to Lisbon?");
    await expect(panel.getByRole("status")).toHaveText("");
    // The host page's styles stayed outside the shadow root.
    const size = await panel.getByRole("button", { name: "Send" }).evaluate((b) => getComputedStyle(b).fontSize);
    expect(size).toBe("14px");
    await visitor.screenshot({ path: "test-results/widget.png" });
    // Escape closes the panel and gives the focus back to the launcher.
    await visitor.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await expect(visitor.getByRole("button", { name: "Open chat" })).toBeFocused();
    // The token is kept: a reload resumes the same conversation.
    await visitor.reload();
    await visitor.getByRole("button", { name: "Open chat" }).click();
    await expect(panel.locator("li.visitor")).toHaveText("Do you ship tents to Lisbon?");

    // Talk: a real call through the LiveKit server with the reference agent.
    await visitor.getByRole("tab", { name: "Talk" }).click();
    const talk = visitor.getByRole("tabpanel", { name: "Talk" });
    await talk.getByRole("button", { name: "Start call" }).click();
    await expect(talk.locator(".call-state")).toHaveText(/Listening|Speaking|Thinking/, { timeout: 45_000 });
    // The fake microphone asks its question after 5 s; the live transcript shows the exchange.
    await expect(talk.locator("ol.transcript li.agent").first()).toBeVisible({ timeout: 60_000 });
    await visitor.screenshot({ path: "test-results/widget-talk.png" });
    await talk.getByRole("button", { name: "End call" }).click();
    await expect(talk.locator(".call-state")).toHaveText("The call ended.");
    expect(errors).toEqual([]);

    // The message is on the contact's page in the dashboard.
    await page.goto(`/apps/${E2E_APP}/contacts`);
    const row = page.locator("#contacts tbody tr").first();
    await expect(row).toContainText("unverified");
    await row.getByRole("link").click();
    await expect(page.locator("#contact-conversations")).toContainText("Do you ship tents to Lisbon?");
    await expect(page.locator("#contact-facts")).toContainText("Chrome");
    await page.screenshot({ path: "test-results/contact.png", fullPage: true });

    // An agent answers from the Inbox; the visitor's widget shows the reply, never the note.
    await page.goto(`/apps/${E2E_APP}/inbox`);
    const unread = page.locator("#inbox tbody tr.unread").first();
    await expect(unread).toContainText("1 new");
    await unread.getByRole("link").click();
    await expect(page.locator("#inbox-thread")).toContainText("Do you ship tents to Lisbon?");
    const replyForm = page.locator("#reply-form");
    await replyForm.getByLabel("Reply").fill("We check your order's weight first.");
    await replyForm.getByLabel("Internal note (members only)").check();
    await Promise.all([page.waitForEvent("load"), replyForm.getByRole("button", { name: "Send" }).click()]);
    await page.locator("#reply-form").getByLabel("Reply").fill("Yes, we ship to Lisbon in 3 days.");
    await Promise.all([page.waitForEvent("load"), page.locator("#reply-form").getByRole("button", { name: "Send" }).click()]);
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Assign to me" }).click()]);
    await expect(page.locator("#conversation-assignee")).toHaveText("owner");
    await expect(page.locator("#inbox-thread")).toContainText("Internal note");
    await page.screenshot({ path: "test-results/inbox.png", fullPage: true });
    await visitor.getByRole("tab", { name: "Chat" }).click();
    const chat = visitor.getByRole("tabpanel", { name: "Chat" });
    await expect(chat.locator("li.agent")).toHaveText("Yes, we ship to Lisbon in 3 days.", { timeout: 15_000 });
    await expect(chat).not.toContainText("order's weight");
    await visitor.screenshot({ path: "test-results/widget-reply.png" });

    // From an origin that is not allowed, the widget does not boot and says so.
    const stranger = await page.context().newPage();
    await stranger.goto(refused.origin);
    await stranger.getByRole("button", { name: "Open chat" }).click();
    await expect(stranger.getByRole("dialog", { name: "Chat with us" }).getByRole("status")).toHaveText(
      "Chat is not available on this site.",
    );
  } finally {
    allowed.close();
    refused.close();
  }
});
