// Switchboard's embeddable widget: chat with the support team from any allowed site.
//
//   <script src="https://YOUR-SWITCHBOARD/widget.js" data-app="SLUG" async></script>
//
// Optional attributes identify a signed-in user: data-user-id, data-user-hash (HMAC-SHA256 of
// the user id, computed on your server), data-email, data-name. window.SwitchboardWidget has
// open(), close() and identify({externalUserId, userHash, email, name}).
//
// It renders in a shadow root (the page's CSS cannot reach it), keeps its session token in
// localStorage, and refreshes it in the last quarter of its lifetime. Replies arrive live over
// one server-sent event stream. The workspace's automation settings decide whether it asks for
// an email, shows the usual reply time and offers a rating when a conversation closes. Talk
// loads livekit-client and the playground's bridge from this server when a call starts.
(() => {
  "use strict";

  const script =
    document.currentScript || document.querySelector("script[src*='/widget.js'][data-app]");
  const slug = script && script.dataset.app;
  if (!slug || window.SwitchboardWidget) return;
  const base = new URL(script.src, location.href).origin;
  const storageKey = `switchboard:${slug}`;
  // How long to wait before following the live stream again after it broke.
  const RETRY_MS = [1000, 3000, 10000, 30000];

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
    // From GET /settings: {askForEmail, askForRating, medianReplyMs}.
    settings: null,
    // Conversations rated (or offered and declined) on this device.
    rated: new Set(saved.rated || []),
    following: false,
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
          rated: [...state.rated],
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

  // A request as the visitor; a token that stopped working is replaced by a new boot once.
  async function api(method, path, body) {
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
        box-shadow: 0 4px 14px rgba(0,0,0,.25); cursor: pointer; display: grid;
        place-items: center; }
      .launcher .unread { position: absolute; top: -4px; right: -4px; min-width: 20px;
        height: 20px; padding: 0 5px; border-radius: 10px; background: #b42318; color: #fff;
        font-size: 12px; line-height: 20px; font-weight: 600; }
      .launcher .unread[hidden] { display: none; }
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
      li .sources, li .helpful { margin-top: 6px; font-size: 12px; color: #5b6478;
        white-space: normal; }
      li .sources a { color: #2f5bea; }
      li .helpful button { margin-left: 6px; border: 1px solid #c5cddd; background: #fff;
        border-radius: 10px; padding: 1px 8px; font-size: 12px; cursor: pointer; }
      form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ef; }
      textarea { flex: 1; resize: none; height: 42px; padding: 10px; font-size: 14px;
        border: 1px solid #c5cddd; border-radius: 8px; }
      form button { border: 0; border-radius: 8px; padding: 0 14px; background: #2f5bea;
        color: #fff; font-size: 14px; cursor: pointer; }
      form button:disabled { opacity: .6; cursor: default; }
      [role=tablist] { display: flex; border-bottom: 1px solid #dde3ef; }
      [role=tab] { flex: 1; padding: 10px; border: 0; background: #fff; font-size: 14px;
        cursor: pointer; color: #5b6478; border-bottom: 2px solid transparent; }
      [role=tab][aria-selected=true] { color: #2f5bea; border-bottom-color: #2f5bea; font-weight: 600; }
      [role=tabpanel] { flex: 1; display: flex; flex-direction: column; min-height: 0; }
      [role=tabpanel][hidden] { display: none; }
      .call { padding: 14px; gap: 10px; }
      .call-state { margin: 0; font-size: 15px; font-weight: 600; }
      .call-state[data-state=speaking] { color: #2f5bea; }
      .call .transcript { background: #f5f7fb; border-radius: 8px; }
      .call-actions { display: flex; gap: 8px; }
      .call-actions button { flex: 1; border: 0; border-radius: 8px; padding: 10px; font-size: 14px;
        cursor: pointer; background: #2f5bea; color: #fff; }
      .call-actions button.end { background: #b42318; }
      .call-actions button:disabled { opacity: .5; cursor: default; }
      header p { margin: 2px 0 0; font-size: 12px; opacity: .9; }
      header p:empty { display: none; }
      .ask { display: flex; gap: 6px; padding: 8px 10px; border-top: 1px solid #dde3ef;
        font-size: 13px; align-items: center; flex-wrap: wrap; }
      .ask[hidden] { display: none; }
      .ask input { flex: 1; min-width: 0; padding: 6px 8px; border: 1px solid #c5cddd;
        border-radius: 6px; font-size: 13px; }
      .ask button, li.rating button { border: 0; border-radius: 6px; padding: 6px 10px;
        background: #2f5bea; color: #fff; cursor: pointer; font-size: 13px; }
      li.rating { align-self: stretch; max-width: none; background: #fff;
        border: 1px solid #dde3ef; text-align: center; }
      li.rating div { display: flex; gap: 6px; justify-content: center; margin-top: 6px; }
      .status { min-height: 0; padding: 0 12px; font-size: 12px; color: #b42318; }
      .status:not(:empty) { padding: 6px 12px; }
    </style>
    <button class="launcher" type="button" aria-label="Open chat" aria-expanded="false"
      aria-controls="switchboard-panel"><svg viewBox="0 0 24 24" width="26" height="26"
      aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5
      4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg><span class="unread" hidden></span></button>
    <section class="panel" id="switchboard-panel" role="dialog" aria-label="Chat with us" hidden>
      <header><div><h2>Chat with us</h2><p class="reply-time"></p></div>
        <button type="button" class="close" aria-label="Close chat">&times;</button></header>
      <div role="tablist" aria-label="Chat or talk">
        <button type="button" role="tab" id="sb-tab-chat" aria-selected="true"
          aria-controls="sb-chat">Chat</button>
        <button type="button" role="tab" id="sb-tab-talk" aria-selected="false"
          aria-controls="sb-talk" tabindex="-1">Talk</button>
      </div>
      <div role="tabpanel" id="sb-chat" aria-labelledby="sb-tab-chat">
        <ol class="messages" aria-live="polite" aria-label="Messages">
          <li class="hint">Ask us anything: we will answer here.</li>
        </ol>
        <div class="status" role="status"></div>
        <form class="ask" hidden>
          <label for="switchboard-email">Get replies by email too:</label>
          <input id="switchboard-email" type="email" placeholder="you@example.com" required
            autocomplete="email">
          <button type="submit">Save</button>
        </form>
        <form class="compose">
          <textarea id="switchboard-message" placeholder="Write a message…" maxlength="5000"
            aria-label="Message"></textarea>
          <button type="submit">Send</button>
        </form>
      </div>
      <div role="tabpanel" id="sb-talk" class="call" aria-labelledby="sb-tab-talk" hidden>
        <p class="call-state" aria-live="polite">Talk to our assistant with your microphone.</p>
        <ol class="transcript" aria-label="Transcript"></ol>
        <div class="call-actions">
          <button type="button" class="start">Start call</button>
          <button type="button" class="end" disabled>End call</button>
        </div>
      </div>
    </section>`;
  const launcher = root.querySelector(".launcher");
  const panel = root.querySelector(".panel");
  const list = root.querySelector("ol.messages");
  const status = root.querySelector(".status");
  const form = root.querySelector("form.compose");
  const askEmail = root.querySelector("form.ask");
  const replyTime = root.querySelector(".reply-time");
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
      if (message.ai && !message.ai.handedOff) showAnswerFacts(item, message);
      list.appendChild(item);
    }
    list.scrollTop = list.scrollHeight;
  }

  // An AI answer cites its articles (help-center links) and asks whether it helped.
  function showAnswerFacts(item, message) {
    if (message.ai.sources.length) {
      const sources = document.createElement("div");
      sources.className = "sources";
      sources.append("Sources: ");
      message.ai.sources.forEach((source, index) => {
        const link = document.createElement("a");
        link.href = new URL(source.url, base).href;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = source.title;
        if (index) sources.append(", ");
        sources.appendChild(link);
      });
      item.appendChild(sources);
    }
    const ask = document.createElement("div");
    ask.className = "helpful";
    if (message.ai.helpful !== null && message.ai.helpful !== undefined) {
      ask.textContent = "Thanks for your feedback.";
    } else {
      ask.append("Helpful?");
      for (const [label, helpful] of [["Yes", true], ["No", false]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.addEventListener("click", async () => {
          try {
            await api(
              "POST",
              `/conversations/${message.conversationId}/messages/${message.id}/feedback`,
              { helpful },
            );
            ask.textContent = "Thanks for your feedback.";
          } catch (error) {
            showError(error);
          }
        });
        ask.appendChild(button);
      }
    }
    item.appendChild(ask);
  }

  async function loadNewMessages() {
    if (!state.conversationId) return;
    const after = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : "";
    try {
      const page = await api("GET", `/conversations/${state.conversationId}/messages${after}`);
      state.cursor = page.nextCursor;
      render(page.messages);
      status.textContent = "";
      await markRead(page.messages);
    } catch (error) {
      if (error.status === 404) {
        // Not this contact's (another user signed in on this device): start afresh.
        state.conversationId = null;
        save();
      } else showError(error);
    }
  }

  // Replies shown in the open panel are read.
  async function markRead(messages) {
    if (panel.hidden || !state.conversationId) return;
    if (messages.some((message) => message.sender !== "visitor")) {
      await api("POST", `/conversations/${state.conversationId}/read`).catch(() => {});
    }
  }

  async function openConversation() {
    if (!state.conversationId) {
      const listed = await api("GET", "/conversations");
      const latest = listed.conversations[0];
      if (latest) {
        state.conversationId = latest.id;
        save();
        if (latest.status === "closed") offerRating(latest.id);
      }
    }
    await loadNewMessages();
  }

  // ---- Live: one stream of the visitor's replies and conversation changes ------------------

  // Follows GET /stream (fetch, since EventSource cannot send the token) while the page lives.
  async function follow() {
    if (state.following) return;
    state.following = true;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!state.session || state.session.expiresAt <= Date.now()) await boot();
        const response = await fetch(`${base}/api/widget/stream`, {
          headers: { authorization: `Bearer ${state.session.token}` },
        });
        if (response.status === 401) {
          await boot();
          continue;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        attempt = 0;
        // Whatever arrived while the stream was down.
        loadNewMessages();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch (error) {
        // Not allowed on this site: nothing to follow. Otherwise offline or restarting.
        if (error && error.status === 403) {
          state.following = false;
          return;
        }
      }
      await new Promise((resolve) =>
        setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]),
      );
    }
  }

  function onEvent(block) {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trimStart())
      .join("\n");
    if (!data) return;
    const update = JSON.parse(data);
    if (update.type === "message") {
      const message = update.message;
      if (!state.conversationId) {
        state.conversationId = message.conversationId;
        save();
      }
      if (message.conversationId !== state.conversationId) return;
      render([message]);
      if (message.sender !== "visitor") {
        if (panel.hidden) refreshBadge();
        else markRead([message]);
      }
    } else if (update.type === "conversation") {
      const conversation = update.conversation;
      if (conversation.id === state.conversationId && conversation.status === "closed") {
        offerRating(conversation.id);
      }
    }
  }

  // ---- Automation: the usual reply time, an email to reach the visitor, a rating ------------

  async function loadSettings() {
    try {
      state.settings = await api("GET", "/settings");
    } catch {
      return;
    }
    const median = state.settings.medianReplyMs;
    replyTime.textContent =
      median == null
        ? ""
        : `Usually replies in ${median < 60000 ? "under a minute" : describe(median)}`;
    askEmail.hidden = !state.settings.askForEmail;
  }

  function describe(ms) {
    const minutes = Math.round(ms / 60000);
    if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    const hours = Math.round(minutes / 60);
    return `${hours} hour${hours === 1 ? "" : "s"}`;
  }

  askEmail.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = askEmail.querySelector("input").value.trim();
    if (!email) return;
    try {
      await api("POST", "/identify", { email });
      askEmail.hidden = true;
    } catch (error) {
      showError(error);
    }
  });

  function offerRating(conversationId) {
    if (!state.settings || !state.settings.askForRating || state.rated.has(conversationId)) return;
    if (root.querySelector(`li.rating[data-conversation="${conversationId}"]`)) return;
    const item = document.createElement("li");
    item.className = "rating";
    item.dataset.conversation = conversationId;
    item.textContent = "How did we do?";
    const choices = document.createElement("div");
    for (let rating = 1; rating <= 5; rating++) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "★".repeat(rating);
      button.setAttribute("aria-label", `${rating} of 5`);
      button.addEventListener("click", async () => {
        try {
          await api("POST", `/conversations/${conversationId}/rating`, { rating });
          item.textContent = "Thank you for your rating!";
        } catch (error) {
          if (error.status === 409) item.remove();
          else return showError(error);
        }
        state.rated.add(conversationId);
        save();
      });
      choices.appendChild(button);
    }
    item.appendChild(choices);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  const badge = root.querySelector(".launcher .unread");
  async function refreshBadge() {
    if (!panel.hidden || !state.session) return;
    try {
      const { unread } = await api("GET", "/unread");
      badge.hidden = unread === 0;
      badge.textContent = String(unread);
      launcher.setAttribute("aria-label", unread ? `Open chat, ${unread} unread` : "Open chat");
    } catch {
      // The badge is a hint: the next reply tries again.
    }
  }

  function open() {
    badge.hidden = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.setAttribute("aria-label", "Close chat");
    input.focus();
    loadSettings().then(openConversation).catch(showError);
    follow();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-label", "Open chat");
    launcher.focus();
  }

  // Writes in the visitor's open chat (created by the first message).
  async function send(body) {
    if (state.conversationId) {
      render([await api("POST", `/conversations/${state.conversationId}/messages`, { body })]);
    } else {
      const thread = await api("POST", "/conversations", { body });
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


  // ---- Talk: a voice call with the app's agent ---------------------------------------------

  const tabs = [...root.querySelectorAll("[role=tab]")];
  const callState = root.querySelector(".call-state");
  const transcript = root.querySelector("ol.transcript");
  const startButton = root.querySelector(".call-actions .start");
  const endButton = root.querySelector(".call-actions .end");
  const STATE_LABELS = {
    connecting: "Connecting…",
    initializing: "The assistant is getting ready…",
    listening: "Listening",
    thinking: "Thinking…",
    speaking: "Speaking",
    idle: "Waiting for the assistant…",
    disconnected: "The call ended.",
  };
  let call = null;
  let bridgeLoaded = null;

  function selectTab(tab) {
    for (const each of tabs) {
      const selected = each === tab;
      each.setAttribute("aria-selected", String(selected));
      each.tabIndex = selected ? 0 : -1;
      root.getElementById(each.getAttribute("aria-controls")).hidden = !selected;
    }
    tab.focus();
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) selectTab(tabs[(index + step + tabs.length) % tabs.length]);
    });
  });

  function showCallState(state, text) {
    callState.dataset.state = state;
    callState.textContent = text || STATE_LABELS[state] || state;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(element);
    });
  }

  // livekit-client (about 150 KB gzipped) and the bridge load on the first call only.
  function loadBridge() {
    bridgeLoaded ||= (async () => {
      if (!window.LivekitClient) await loadScript(`${base}/vendor/livekit-client.umd.js`);
      if (!window.switchboardPlayground) await loadScript(`${base}/playground.js`);
    })();
    return bridgeLoaded;
  }

  const lines = new Map();
  function onCallEvent(json) {
    const event = JSON.parse(json);
    if (event.type === "connection") {
      if (event.state === "connecting") showCallState("connecting");
      else if (event.state === "connected") showCallState("idle");
      else if (event.state === "disconnected") endedLocally();
    } else if (event.type === "agent") {
      showCallState(event.state);
    } else if (event.type === "transcript") {
      let line = lines.get(event.segmentId);
      if (!line) {
        line = document.createElement("li");
        line.className = event.role === "user" ? "visitor" : "agent";
        lines.set(event.segmentId, line);
        transcript.appendChild(line);
      }
      line.textContent = event.text;
      transcript.scrollTop = transcript.scrollHeight;
    } else if (event.type === "error") {
      showCallState("error", event.message);
    }
  }

  function endedLocally() {
    if (!call) return;
    call = null;
    startButton.disabled = false;
    endButton.disabled = true;
    if (callState.dataset.state !== "error") showCallState("disconnected");
  }

  async function startCall() {
    startButton.disabled = true;
    transcript.textContent = "";
    lines.clear();
    showCallState("connecting");
    try {
      call = await api("POST", "/calls");
      await loadBridge();
      endButton.disabled = false;
      await window.switchboardPlayground.connect(call.livekitUrl, call.userToken, onCallEvent);
    } catch (error) {
      call = null;
      startButton.disabled = false;
      endButton.disabled = true;
      showCallState(
        "error",
        error.status === 503
          ? "Voice calls are not set up on this server: chat with us instead."
          : `The call could not start: ${error.message}`,
      );
    }
  }

  async function endCall() {
    const ending = call;
    endButton.disabled = true;
    if (window.switchboardPlayground) await window.switchboardPlayground.disconnect();
    endedLocally();
    if (ending) await api("POST", `/calls/${encodeURIComponent(ending.roomName)}/end`).catch(() => {});
  }

  startButton.addEventListener("click", startCall);
  endButton.addEventListener("click", endCall);

  window.SwitchboardWidget = {
    open,
    close,
    async identify(identity) {
      const answer = await api("POST", "/identify", identity);
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
    if (state.session && state.session.expiresAt > Date.now()) {
      scheduleRefresh();
      refreshBadge();
      // A visitor who has written before hears replies even with the panel closed.
      if (state.conversationId) follow();
    } else boot().catch(showError);
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
