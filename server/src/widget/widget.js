// Switchboard's embeddable widget: chat with the support team from any allowed site.
//
//   <script src="https://YOUR-SWITCHBOARD/widget.js" data-app="SLUG" async></script>
//
// Optional attributes identify a signed-in user: data-user-id, data-user-hash (HMAC-SHA256 of
// the user id, computed on your server), data-email, data-name. window.SwitchboardWidget has
// open(), close() and identify({externalUserId, userHash, email, name}).
//
// It renders in a shadow root (the page's CSS cannot reach it), keeps its session token in
// localStorage, and refreshes it in the last quarter of its lifetime.
(() => {
  "use strict";

  const script =
    document.currentScript || document.querySelector("script[src*='/widget.js'][data-app]");
  const slug = script && script.dataset.app;
  if (!slug || window.SwitchboardWidget) return;
  const base = new URL(script.src, location.href).origin;
  const storageKey = `switchboard:${slug}`;
  const POLL_MS = 4000;

  // ---- The session: boot, refresh, and authenticated calls -------------------------------

  const saved = (() => {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || {};
    } catch {
      return {};
    }
  })();
  // A session booted for another identity (the page's user signed in or out) is not reused.
  const identityKey = JSON.stringify(identityFromScript());
  const state = {
    deviceId: saved.deviceId || randomId(),
    // {token, issuedAt, expiresAt, refreshUntil, identityKey}
    session: saved.session && saved.session.identityKey === identityKey ? saved.session : null,
    conversationId:
      saved.session && saved.session.identityKey !== identityKey ? null : saved.conversationId,
    cursor: null,
    shown: new Set(),
    refreshTimer: null,
    pollTimer: null,
  };

  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function save() {
    try {
      localStorage.setItem(
        storageKey,
        JSON.stringify({
          deviceId: state.deviceId,
          session: state.session,
          conversationId: state.conversationId,
        }),
      );
    } catch {
      // Private browsing may refuse storage: the widget still works for this page view.
    }
  }

  function identityFromScript() {
    const data = script.dataset;
    const identity = {};
    if (data.userId) identity.externalUserId = data.userId;
    if (data.userHash) identity.userHash = data.userHash;
    if (data.email) identity.email = data.email;
    if (data.name) identity.name = data.name;
    return identity;
  }

  function device() {
    const agent = navigator.userAgent;
    const browser = /Firefox\//.test(agent)
      ? "Firefox"
      : /Edg\//.test(agent)
        ? "Edge"
        : /Chrome\//.test(agent)
          ? "Chrome"
          : /Safari\//.test(agent)
            ? "Safari"
            : "Other";
    const os = /Windows/.test(agent)
      ? "Windows"
      : /Android/.test(agent)
        ? "Android"
        : /iPhone|iPad/.test(agent)
          ? "iOS"
          : /Mac OS X/.test(agent)
            ? "macOS"
            : /Linux/.test(agent)
              ? "Linux"
              : "Other";
    return { browser, os, platform: "web", deviceType: /Mobi/.test(agent) ? "mobile" : "desktop" };
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.code = body && body.code;
    }
  }

  async function request(method, path, body, token) {
    const headers = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${base}/api/widget${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }

  async function boot() {
    const booted = await request("POST", "/boot", {
      appSlug: slug,
      deviceId: state.deviceId,
      device: device(),
      ...identityFromScript(),
    });
    state.session = {
      token: booted.sessionToken,
      issuedAt: Date.now(),
      expiresAt: booted.expiresAt,
      refreshUntil: booted.refreshUntil,
      identityKey,
    };
    save();
    scheduleRefresh();
    return booted;
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    const session = state.session;
    if (!session) return;
    const lifetime = session.expiresAt - session.issuedAt;
    // The server accepts a refresh in the last quarter of the lifetime; aim a little inside it.
    const at = session.expiresAt - lifetime / 4 + Math.min(60000, lifetime / 20);
    state.refreshTimer = setTimeout(refresh, Math.max(1000, at - Date.now()));
  }

  async function refresh() {
    try {
      const renewed = await request("POST", "/refresh", undefined, state.session.token);
      state.session = {
        ...state.session,
        token: renewed.sessionToken,
        issuedAt: Date.now(),
        expiresAt: renewed.expiresAt,
      };
      save();
      scheduleRefresh();
    } catch (error) {
      // Spent or past the cap: boot again (the contact is this device's, or the proved user's).
      if (error.status === 401) await boot().catch(showError);
      else scheduleRefresh();
    }
  }

  // A call as the visitor; a token that stopped working is replaced by a new boot once.
  async function call(method, path, body) {
    if (!state.session || state.session.expiresAt <= Date.now()) await boot();
    try {
      return await request(method, path, body, state.session.token);
    } catch (error) {
      if (error.status !== 401) throw error;
      await boot();
      return request(method, path, body, state.session.token);
    }
  }

  // ---- The interface ------------------------------------------------------------------------

  const host = document.createElement("div");
  host.setAttribute("data-switchboard-widget", slug);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `
    <style>
      :host { all: initial; }
      * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
      .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 56px;
        height: 56px; border-radius: 50%; border: 0; background: #2f5bea; color: #fff;
        box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; font-size: 24px; }
      .launcher:focus-visible, button:focus-visible, textarea:focus-visible {
        outline: 3px solid #ffb020; outline-offset: 2px; }
      .panel { position: fixed; right: 20px; bottom: 88px; z-index: 2147483000; width: 360px;
        max-width: calc(100vw - 40px); height: 520px; max-height: calc(100vh - 120px);
        display: flex; flex-direction: column; background: #fff; color: #1b1f2a;
        border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.25); overflow: hidden; }
      .panel[hidden] { display: none; }
      header { display: flex; align-items: center; justify-content: space-between;
        padding: 14px 16px; background: #2f5bea; color: #fff; }
      header h2 { margin: 0; font-size: 16px; font-weight: 600; }
      header button { background: transparent; border: 0; color: #fff; font-size: 20px;
        cursor: pointer; border-radius: 6px; }
      ol { list-style: none; margin: 0; padding: 12px; flex: 1; overflow-y: auto;
        display: flex; flex-direction: column; gap: 8px; background: #f5f7fb; }
      li { max-width: 80%; padding: 8px 12px; border-radius: 12px; font-size: 14px;
        line-height: 1.4; white-space: pre-wrap; word-wrap: break-word; }
      li.visitor { align-self: flex-end; background: #2f5bea; color: #fff; }
      li.agent, li.bot { align-self: flex-start; background: #fff; border: 1px solid #dde3ef; }
      li.hint { align-self: center; background: none; color: #5b6478; font-size: 13px; }
      form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ef; }
      textarea { flex: 1; resize: none; height: 42px; padding: 10px; font-size: 14px;
        border: 1px solid #c5cddd; border-radius: 8px; }
      form button { border: 0; border-radius: 8px; padding: 0 14px; background: #2f5bea;
        color: #fff; font-size: 14px; cursor: pointer; }
      form button:disabled { opacity: .6; cursor: default; }
      .status { min-height: 0; padding: 0 12px; font-size: 12px; color: #b42318; }
      .status:not(:empty) { padding: 6px 12px; }
    </style>
    <button class="launcher" type="button" aria-label="Open chat" aria-expanded="false"
      aria-controls="switchboard-panel">&#128172;</button>
    <section class="panel" id="switchboard-panel" role="dialog" aria-label="Chat with us" hidden>
      <header><h2>Chat with us</h2>
        <button type="button" class="close" aria-label="Close chat">&times;</button></header>
      <ol aria-live="polite" aria-label="Messages">
        <li class="hint">Ask us anything: we will answer here.</li>
      </ol>
      <div class="status" role="status"></div>
      <form>
        <label hidden for="switchboard-message">Message</label>
        <textarea id="switchboard-message" placeholder="Write a message…" maxlength="5000"
          aria-label="Message"></textarea>
        <button type="submit">Send</button>
      </form>
    </section>`;
  const launcher = root.querySelector(".launcher");
  const panel = root.querySelector(".panel");
  const list = root.querySelector("ol");
  const status = root.querySelector(".status");
  const form = root.querySelector("form");
  const input = root.querySelector("textarea");
  const sendButton = form.querySelector("button");

  function showError(error) {
    status.textContent =
      error && error.code === "PERMISSION_DENIED"
        ? "Chat is not available on this site."
        : `Something went wrong: ${(error && error.message) || error}`;
  }

  function render(messages) {
    for (const message of messages) {
      if (state.shown.has(message.id)) continue;
      state.shown.add(message.id);
      const item = document.createElement("li");
      item.className = message.sender;
      item.textContent = message.body;
      list.appendChild(item);
    }
    list.scrollTop = list.scrollHeight;
  }

  async function loadNewMessages() {
    if (!state.conversationId) return;
    const after = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : "";
    try {
      const page = await call("GET", `/conversations/${state.conversationId}/messages${after}`);
      state.cursor = page.nextCursor;
      render(page.messages);
      status.textContent = "";
    } catch (error) {
      if (error.status === 404) {
        // Not this contact's (another user signed in on this device): start afresh.
        state.conversationId = null;
        save();
      } else showError(error);
    }
  }

  async function openConversation() {
    if (!state.conversationId) {
      const listed = await call("GET", "/conversations");
      const latest = listed.conversations[0];
      if (latest) {
        state.conversationId = latest.id;
        save();
      }
    }
    await loadNewMessages();
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat");
    input.focus();
    openConversation().catch(showError);
    clearInterval(state.pollTimer);
    state.pollTimer = setInterval(() => loadNewMessages(), POLL_MS);
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    clearInterval(state.pollTimer);
    launcher.focus();
  }

  async function send(body) {
    if (state.conversationId) {
      render([await call("POST", `/conversations/${state.conversationId}/messages`, { body })]);
    } else {
      const thread = await call("POST", "/conversations", { body });
      state.conversationId = thread.conversation.id;
      save();
      render(thread.messages);
    }
  }

  launcher.addEventListener("click", () => (panel.hidden ? open() : close()));
  root.querySelector(".close").addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    sendButton.disabled = true;
    try {
      await send(body);
      input.value = "";
      status.textContent = "";
    } catch (error) {
      showError(error);
    } finally {
      sendButton.disabled = false;
      input.focus();
    }
  });

  window.SwitchboardWidget = {
    open,
    close,
    async identify(identity) {
      const answer = await call("POST", "/identify", identity);
      // The session may now act as another contact: its conversations are theirs.
      state.conversationId = null;
      state.cursor = null;
      save();
      return answer.contact;
    },
  };

  function start() {
    document.body.appendChild(host);
    // A saved token is used as long as it lives; otherwise boot now, so an origin that is not
    // allowed shows at once rather than on the first message.
    if (state.session && state.session.expiresAt > Date.now()) scheduleRefresh();
    else boot().catch(showError);
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
