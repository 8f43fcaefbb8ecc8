// A customer's site for the widget's browser tests, and signing in to the dashboard.
import http from "node:http";
import type { AddressInfo } from "node:net";

import { expect, type Page } from "@playwright/test";

import { E2E_APP, E2E_EMAIL, E2E_PASSWORD } from "./global-setup";

/**
 * A customer's site: a page embedding the widget with one script tag, served from another
 * loopback origin than Switchboard's.
 */
export function customerSite(host: string, switchboard: string): Promise<{ origin: string; close: () => void }> {
  const page = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Acme Outdoor</title>
    <style>body { font: 16px Georgia, serif; margin: 40px; color: #222; }
      /* The host page's own CSS must not reach the widget. */
      button { background: hotpink !important; font-size: 40px !important; }</style></head>
  <body>
    <h1>Acme Outdoor</h1>
    <p>Tents, stoves and good advice.</p>
    <script src="${switchboard}/widget.js" data-app="${E2E_APP}" async></script>
  </body>
</html>`;
  const server = http.createServer((_, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  return new Promise((resolve) => {
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ origin: `http://${host}:${port}`, close: () => server.close() });
    });
  });
}

export async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_EMAIL);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/overview$/);
}

/** Submits a plain form and waits for the page it reloads. */
export async function submit(page: Page, click: Promise<void>) {
  await Promise.all([page.waitForEvent("load"), click]);
}
