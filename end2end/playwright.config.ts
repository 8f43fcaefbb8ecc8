import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { defineConfig } from "@playwright/test";

// The server under test is started and stopped by Playwright itself (never left running when a
// test fails). scripts/test sets E2E_SERVER_CMD, E2E_PORT and E2E_DATABASE_URL, and
// E2E_LIVEKIT_CMD (scripts/livekit) with E2E_LIVEKIT_PORT, E2E_AGENT_PYTHON and E2E_AGENT_PORT:
// the real LiveKit server and the reference agent, for the playground's real call.
const port = Number(process.env.E2E_PORT ?? 3000);
const baseURL = `http://127.0.0.1:${port}`;
/** The LiveKit server's development keys (scripts/livekit): it signs its webhooks with them. */
const livekit = { key: "devkey", secret: "devsecret-devsecret-devsecret-00" };
const livekitPort = Number(process.env.E2E_LIVEKIT_PORT ?? 7880);
const agentPort = Number(process.env.E2E_AGENT_PORT ?? 8081);
const realStack = !!process.env.E2E_LIVEKIT_CMD;

/**
 * What Chromium's fake microphone plays: 5 s of silence (the agent greets), the question the
 * test app's knowledge base answers, spoken by espeak-ng, then silence. Made at test time.
 */
export const QUESTION = "When are you open?";
const questionWav = path.resolve(__dirname, "../target/e2e/question.wav");
if (realStack && !fs.existsSync(questionWav)) {
  const spoken = execFileSync("espeak-ng", ["-v", "en-us", "-s", "150", "--stdout", QUESTION]);
  const from = spoken.readUInt32LE(24);
  const source = spoken.subarray(spoken.indexOf("data") + 8);
  // espeak-ng speaks at 22.05 kHz; WebRTC captures at 48 kHz, so resample once, linearly.
  const rate = 48_000;
  const count = Math.floor(((source.length / 2) * rate) / from);
  const samples = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) {
    const at = (i * from) / rate;
    const low = Math.floor(at);
    const high = Math.min(low + 1, source.length / 2 - 1);
    const value = source.readInt16LE(low * 2) * (1 - (at - low)) + source.readInt16LE(high * 2) * (at - low);
    samples.writeInt16LE(Math.round(value), i * 2);
  }
  const silence = (seconds: number) => Buffer.alloc(Math.round(rate * seconds) * 2);
  const pcm = Buffer.concat([silence(5), samples, silence(40)]);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(pcm.length, 40);
  fs.mkdirSync(path.dirname(questionWav), { recursive: true });
  fs.writeFileSync(questionWav, Buffer.concat([header, pcm]));
}

// The real LiveKit server (scripts/livekit, its webhooks to the server under test) and the
// reference agent (agent/), which answers the playground's calls with its offline set.
const voiceStack = realStack
  ? [
      {
        command: `${process.env.E2E_LIVEKIT_CMD} --port ${livekitPort} --webhook ${baseURL}/api/livekit/webhook >>../target/e2e/livekit.log 2>&1`,
        url: `http://127.0.0.1:${livekitPort}/`,
        reuseExistingServer: false,
        timeout: 300_000,
        stdout: "ignore" as const,
        stderr: "pipe" as const,
      },
      {
        // Its log is kept in target/e2e/agent.log, for when a call goes wrong.
        command: `${process.env.E2E_AGENT_PYTHON} -m switchboard_agent start 2>&1 | tee -a ../target/e2e/agent.log`,
        cwd: "../agent",
        // Ready once LiveKit has it registered: a call dispatched earlier would find no agent.
        wait: { stdout: /"registered worker"/ },
        reuseExistingServer: false,
        timeout: 120_000,
        stdout: "ignore" as const,
        stderr: "pipe" as const,
        env: {
          LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`,
          LIVEKIT_API_KEY: livekit.key,
          LIVEKIT_API_SECRET: livekit.secret,
          SWITCHBOARD_AGENT_PORT: String(agentPort),
          // The machine may be busy: the worker must not turn the call away.
          SWITCHBOARD_AGENT_LOAD_THRESHOLD: "inf",
        },
      },
    ]
  : [];
const livekitSettings = realStack
  ? {
      LIVEKIT_URL: `ws://127.0.0.1:${livekitPort}`,
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
        ...voiceStack,
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
        // The playground asks for the microphone: grant it, with a fake device playing the
        // question once, and let WebRTC use loopback, where LiveKit listens.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-audio-capture=${questionWav}%noloop`,
        "--allow-loopback-in-peer-connection",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
});
