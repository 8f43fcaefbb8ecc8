import { defineConfig } from "@playwright/test";

// The server under test is started and stopped by Playwright itself (never left running when a
// test fails). scripts/test sets E2E_SERVER_CMD, E2E_PORT and E2E_DATABASE_URL.
const port = Number(process.env.E2E_PORT ?? 3000);
const baseURL = `http://127.0.0.1:${port}`;

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
    ? {
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
          RUST_LOG: "warn",
        },
      }
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
      ],
    },
  },
});
