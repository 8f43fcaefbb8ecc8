import { execFileSync } from "node:child_process";
import path from "node:path";

export const E2E_EMAIL = "owner@e2e.example";
export const E2E_PASSWORD = "correct horse battery staple";
export const VIEWER_EMAIL = "viewer@e2e.example";
/** The app the dashboard tests look at, with a secret the tests use to act as its agent. */
export const E2E_APP = "e2e-shop";
export const E2E_APP_SECRET = "sbk_e2e_secret_for_browser_tests_only";

/** Runs the server's own CLI on the database the server under test uses. */
export function cli(args: string[], input?: string) {
  execFileSync(process.env.E2E_SERVER_CMD!, args, {
    cwd: path.resolve(__dirname, ".."),
    input,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, RUST_LOG: "warn" },
    stdio: ["pipe", "ignore", "inherit"],
  });
}

/** The owner and a viewer, and one app, made as an operator would with the CLI. */
export default function globalSetup() {
  if (!process.env.E2E_SERVER_CMD) return; // Against a server someone else started: its data is theirs.
  cli(["user", "create", "--email", E2E_EMAIL, "--role", "owner", "--password-stdin"], E2E_PASSWORD);
  cli(["user", "create", "--email", VIEWER_EMAIL, "--role", "viewer", "--password-stdin"], E2E_PASSWORD);
  cli(["app", "create", "--slug", E2E_APP, "--name", "E2E Shop", "--secret", E2E_APP_SECRET]);
}
