import { expect, test } from "@playwright/test";

import { cli, E2E_APP, E2E_APP_SECRET, E2E_EMAIL, E2E_PASSWORD } from "../global-setup";

test.skip(!process.env.E2E_LIVEKIT_CMD, "needs the real LiveKit and the agent that scripts/test starts");

const agentApi = { authorization: `Bearer ${E2E_APP_SECRET}`, "x-app-slug": E2E_APP };
const OPENING_HOURS =
  "Our opening hours: the shop opens at nine in the morning and closes at six in the evening, Monday to Saturday.";

test.describe(() => {
  // The offline recogniser hears the same audio differently from one call to the next (the trip
  // through WebRTC is not bit-exact); now and then it loses the question's key word (CI, December
  // 2026: "where are you oh the"). So a real call that fails is made once more, as a new call;
  // Playwright reports it as flaky, and two failed calls fail the run.
  test.describe.configure({ retries: 1 });

  // The whole real stack: Chromium's fake microphone asks the question (espeak-ng audio made at
  // test time), the real LiveKit server carries it, the reference agent hears it (pocketsphinx),
  // answers from the app's knowledge base and speaks (espeak-ng), and the platform stores it all.
  test("a real call: the agent hears the question and answers from the knowledge base", async ({ page, request }) => {
    test.setTimeout(180_000);
    // The offline recogniser mishears synthetic speech now and then ("where are you open it"),
    // so the app answers from a lower similarity than the local model's default 0.4, as an
    // operator of the local set would set it; off-topic questions still score far below it.
    cli(["app", "update", E2E_APP, "--json", '{"knowledgeThreshold": 0.25}']);
    const added = await request.post("/api/knowledge", {
      headers: agentApi,
      data: { title: "Opening hours", content: OPENING_HOURS, category: "faq" },
    });
    expect(added.ok()).toBeTruthy();

    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_EMAIL);
    await page.getByLabel("Password").fill(E2E_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/overview$/);
    await page.getByRole("link", { name: "Playground" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Playground");
    const state = page.locator("#call-state");
    await expect(state).toHaveAttribute("data-state", "idle");
    await page.getByLabel("Greeting").fill("");

    // Every state the page passes through, as the island sets them (polling could miss one).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      const element = document.querySelector("#call-state")!;
      new MutationObserver(() => {
        const now = element.getAttribute("data-state") ?? "";
        if (seen[seen.length - 1] !== now) seen.push(now);
      }).observe(element, { attributes: true });
    });
    // A click before the island hydrated would post the plain form: retry until it is live.
    await expect(async () => {
      await page.getByRole("button", { name: "Start call" }).click();
      await expect(state).not.toHaveAttribute("data-state", "idle", { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });

    const transcript = page.locator("#live-transcript");
    await expect(transcript.locator("li.turn.user").first()).toContainText(/open/, { timeout: 60_000 });
    const answer = transcript.locator("li.turn.agent", { hasText: "nine in the morning" });
    await expect(answer).toBeVisible({ timeout: 60_000 });
    await page.screenshot({ path: "test-results/playground.png", fullPage: true });
    await expect(state).toHaveAttribute("data-state", "listening", { timeout: 30_000 });

    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    const order = ["connecting", "listening", "thinking", "speaking", "listening"];
    let at = 0;
    for (const wanted of order) {
      const found = seen.indexOf(wanted, at);
      expect(found, `${wanted} after position ${at} in ${seen.join(" → ")}`).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }

    await page.locator("#end-call").click();
    await expect(state).toHaveAttribute("data-state", "disconnected");

    // The call is listed with its duration; its webhooks came signed from the real LiveKit.
    const sessions = await (await request.get("/api/voice/sessions", { headers: agentApi })).json();
    const call = sessions.sessions.find((s: { roomName: string }) => s.roomName?.startsWith("playground-"));
    await expect(async () => {
      const events = await (
        await request.get(`/api/events?sessionId=${call.sessionId}&limit=200`, { headers: agentApi })
      ).json();
      const types = events.events.map((e: { eventType: string }) => e.eventType);
      for (const wanted of ["livekit.room_started", "livekit.participant_joined", "livekit.room_finished"]) {
        expect(types).toContain(wanted);
      }
      const detail = await (await request.get(`/api/voice/sessions`, { headers: agentApi })).json();
      const ended = detail.sessions.find((s: { id: string }) => s.id === call.id);
      expect(ended.status).toBe("completed");
      expect(ended.connectedAt).toBeTruthy();
      expect(ended.durationSecs).toBeGreaterThan(0);
    }).toPass({ timeout: 30_000 });

    await page.getByRole("link", { name: "Voice sessions" }).click();
    const row = page.locator("#voice-sessions tr", { hasText: call.roomName });
    await expect(row).toContainText("completed");
    await row.getByRole("link").first().click();
    await expect(page.locator("body")).toContainText(call.roomName);

    // The conversation shows the transcript as the agent stored it, each line once. The agent
    // flushes its last lines as the room closes, so look again until they are in.
    await expect(async () => {
      await page.goto(`/apps/${E2E_APP}/conversations/${call.sessionId}`);
      await expect(page.locator("body")).toContainText("nine in the morning", { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await expect(page.locator(".transcript").getByText(OPENING_HOURS)).toHaveCount(1);
    expect(errors).toEqual([]);
  });
});

// A machine with no microphone: Chromium without its fake capture device.
test("a missing microphone ends the call with a message that says so", async ({ playwright }) => {
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--allow-loopback-in-peer-connection"],
  });
  const page = await browser.newPage({ baseURL: test.info().project.use.baseURL });
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_EMAIL);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/overview$/);
  await page.goto(`/apps/${E2E_APP}/playground`);
  const state = page.locator("#call-state");
  await expect(async () => {
    await page.getByRole("button", { name: "Start call" }).click();
    await expect(state).not.toHaveAttribute("data-state", "idle", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(state).toHaveAttribute("data-state", "error", { timeout: 30_000 });
  await expect(page.locator("#call-error")).toHaveText(
    "No microphone was found: connect one, then start the call again.",
  );
  await expect(page.getByRole("button", { name: "Start call" })).toBeEnabled();
  await browser.close();
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
