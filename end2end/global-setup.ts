import { execFileSync } from "node:child_process";
import path from "node:path";

export const E2E_EMAIL = "owner@e2e.example";
export const E2E_PASSWORD = "correct horse battery staple";

/** Creates the dashboard owner with the server's own CLI, on the database the server uses. */
export default function globalSetup() {
  const server = process.env.E2E_SERVER_CMD;
  if (!server) return; // Against a server someone else started: its users are theirs.
  execFileSync(server, ["user", "create", "--email", E2E_EMAIL, "--role", "owner", "--password-stdin"], {
    cwd: path.resolve(__dirname, ".."),
    input: E2E_PASSWORD,
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, RUST_LOG: "warn" },
    stdio: ["pipe", "ignore", "inherit"],
  });
}
