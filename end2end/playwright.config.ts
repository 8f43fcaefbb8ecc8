import { defineConfig } from "@playwright/test";

// The server under test is started and stopped by Playwright itself (never left running when a
// test fails). scripts/test sets E2E_SERVER_CMD, E2E_PORT and E2E_DATABASE_URL, and
// E2E_FAKE_LIVEKIT_CMD with E2E_FAKE_LIVEKIT_PORT: the fake LiveKit the server's voice calls use.
const port = Number(process.env.E2E_PORT ?? 3000);
const baseURL = `http://127.0.0.1:${port}`;
const fakeLivekitPort = Number(process.env.E2E_FAKE_LIVEKIT_PORT ?? 7880);
/** The fake's default credentials; it signs its webhooks to the server with them. */
const livekit = { key: "devkey", secret: "devsecret-devsecret-devsecret-00" };

const fakeLivekit = process.env.E2E_FAKE_LIVEKIT_CMD
  ? [
      {
        command: process.env.E2E_FAKE_LIVEKIT_CMD,
        port: fakeLivekitPort,
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: "ignore" as const,
        stderr: "pipe" as const,
        env: {
          FAKE_LIVEKIT_PORT: String(fakeLivekitPort),
          FAKE_LIVEKIT_WEBHOOK_URL: `${baseURL}/api/livekit/webhook`,
          LIVEKIT_API_KEY: livekit.key,
          LIVEKIT_API_SECRET: livekit.secret,
        },
      },
    ]
  : [];
const livekitSettings = process.env.E2E_FAKE_LIVEKIT_CMD
  ? {
      LIVEKIT_URL: `http://127.0.0.1:${fakeLivekitPort}`,
      LIVEKIT_API_KEY: livekit.key,
      LIVEKIT_API_SECRET: livekit.secret,
    }
  : {};

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  outputDir: "test-results/artifacts",
  webServer: process.env.E2E_SERVER_CMD
    ? [
        ...fakeLivekit,
        {
          command: process.env.E2E_SERVER_CMD,
          cwd: "..",
          url: `${baseURL}/health`,
          reuseExistingServer: false,
          timeout: 60_000,
          stdout: "ignore",
          stderr: "pipe",
          env: {
            BIND: `127.0.0.1:${port}`,
            DATABASE_URL: process.env.E2E_DATABASE_URL ?? "sqlite://./target/e2e/switchboard.db",
            // The key that seals secrets at rest, created by the server on first start.
            SECRET_KEY_FILE: "./target/e2e/secret.key",
            RUST_LOG: "warn",
            ...livekitSettings,
          },
        },
      ]
    : undefined,
  use: {
    baseURL,
    browserName: "chromium",
    launchOptions: {
      // Debian's Chromium: `npx playwright install` cannot download browsers here.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // The playground asks for the microphone: grant it, with Chromium's synthetic device.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
      ],
    },
  },
});
