import { expect, test } from "@playwright/test";

import { customerSite, signIn, submit } from "../customer-site";
import { E2E_APP, E2E_APP_SECRET } from "../global-setup";

test.skip(!process.env.E2E_SERVER_CMD, "needs the users and app made by global setup");

const agentApi = { authorization: `Bearer ${E2E_APP_SECRET}`, "x-app-slug": E2E_APP };

test("a published article reaches the help center and the AI cites it in chat, then hands off to the inbox", async ({
  page,
  browser,
  baseURL,
  request,
}) => {
  const site = await customerSite("127.0.0.3", baseURL!);
  try {
    await signIn(page);
    await page.goto(`/apps/${E2E_APP}/widget`);
    await page.locator("#origins-form textarea").fill(site.origin);
    await page.locator("#origins-form").getByRole("button", { name: "Save origins" }).click();
    await expect(page.locator("#origins-form")).toContainText("Saved");

    // A collection and an article in it, written and published in the editor.
    await page.goto(`/apps/${E2E_APP}/help-center`);
    const newCollection = page.locator("form", { has: page.getByRole("button", { name: "Add the collection" }) });
    await newCollection.getByLabel("Name").fill("Returns & refunds");
    await submit(page, newCollection.getByRole("button", { name: "Add the collection" }).click());
    await expect(page.locator("#collections")).toContainText("Returns & refunds");
    await page.getByRole("link", { name: "New article" }).click();
    await page.getByLabel("Title").fill("Returning a tent");
    await page.getByLabel("Collection").selectOption({ label: "Returns & refunds" });
    await page.getByLabel(/^Public/).check();
    await page.getByLabel("Published").check();
    const content = page.getByLabel("Content (Markdown)");
    await content.fill(
      "You can return a tent within **60 days** of delivery for a full refund. Pack it dry and " +
        "print the label from your order page.",
    );
    // The live preview shows it as readers will see it.
    await expect(page.locator(".markdown-preview strong")).toHaveText("60 days", { timeout: 15_000 });
    await submit(page, page.getByRole("button", { name: "Save the article" }).click());
    await expect(page).toHaveURL(/help-center\/articles\/[0-9a-f-]+$/);
    await expect(page.getByRole("heading", { name: "Returning a tent" })).toBeVisible();
    await page.screenshot({ path: "test-results/help-center-editor.png", fullPage: true });

    // The public help center shows it, without a script.
    const reader = await browser.newContext({ javaScriptEnabled: false });
    const readerPage = await reader.newPage();
    await readerPage.goto(`/help/${E2E_APP}`);
    await readerPage.getByRole("link", { name: /Returns & refunds/ }).click();
    await readerPage.getByRole("link", { name: "Returning a tent" }).click();
    await expect(readerPage.locator(".help-body")).toContainText("60 days");
    await readerPage.getByRole("button", { name: "Yes" }).click();
    await expect(readerPage.getByRole("status")).toHaveText("Thanks for your feedback!");
    await readerPage.screenshot({ path: "test-results/help-center-article.png", fullPage: true });
    await reader.close();

    // The AI answers chats from the help center.
    await page.goto(`/apps/${E2E_APP}/ai-agent`);
    await page.getByLabel("Answer chats with AI").check();
    await page.getByLabel("Confidence threshold (0 to 1)").fill("0.4");
    await submit(page, page.getByRole("button", { name: "Save" }).click());
    await expect(page.getByLabel("Answer chats with AI")).toBeChecked();

    const context = await browser.newContext();
    const visitor = await context.newPage();
    const errors: string[] = [];
    visitor.on("pageerror", (error) => errors.push(error.message));
    await visitor.goto(site.origin);
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const panel = visitor.getByRole("dialog", { name: "Chat with us" });
    const message = panel.getByRole("textbox", { name: "Message" });
    await message.fill("How long do I have to return a tent?");
    await panel.getByRole("button", { name: "Send" }).click();
    const answer = panel.locator("li.bot").first();
    await expect(answer).toContainText("60 days", { timeout: 20_000 });
    const source = answer.getByRole("link", { name: "Returning a tent" });
    await expect(source).toHaveAttribute("href", new RegExp(`/help/${E2E_APP}/articles/returning-a-tent$`));
    await visitor.screenshot({ path: "test-results/widget-ai-answer.png" });
    await answer.getByRole("button", { name: "Yes" }).click();
    await expect(answer).toContainText("Thanks for your feedback.");

    // Asked for a person, the AI hands off; the chat waits in the inbox as needing a human.
    await message.fill("Can I talk to a human please?");
    await panel.getByRole("button", { name: "Send" }).click();
    await expect(panel.locator("li.bot").nth(1)).toContainText("Let me connect you with a human agent", {
      timeout: 20_000,
    });
    await page.goto(`/apps/${E2E_APP}/inbox?needsHuman=true`);
    const row = page.locator("#inbox tbody tr", { hasText: "needs human" });
    await expect(row).toHaveCount(1);
    await row.getByRole("link").click();
    const thread = page.locator("#inbox-thread");
    await expect(thread).toContainText("How long do I have to return a tent?");
    await expect(thread.locator(".ai-facts").first()).toContainText("answered");
    await expect(thread.locator(".ai-sources").first()).toContainText("Returning a tent");
    await expect(thread).toContainText("handed off: the visitor asked for a human");
    await page.screenshot({ path: "test-results/inbox-ai-handoff.png", fullPage: true });

    // The AI agent page counts the turns and the visitor's rating.
    await page.goto(`/apps/${E2E_APP}/ai-agent`);
    const figures = page.getByRole("region", { name: "The AI's last 30 days" });
    const figure = (label: string) => figures.locator(".stat", { hasText: label }).locator(".stat-value");
    await expect(figure("Answered by the AI")).toHaveText(/^[1-9]\d*$/);
    await expect(figure("Handed to a person")).toHaveText(/^[1-9]\d*$/);
    await expect(figure("Rated helpful / not helpful")).toHaveText(/^[1-9]\d* \/ 0$/);
    await page.screenshot({ path: "test-results/ai-agent.png", fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    // The tests after this one expect chats to wait for humans.
    await request.put("/api/ai-agent", { headers: agentApi, data: { enabled: false } });
    site.close();
  }
});
