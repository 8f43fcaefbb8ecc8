"""The LLM-free responder of the local set: it answers from the app's knowledge base.

It takes the caller's last words and hands them to ``answer`` (the call agent's, which searches
the knowledge base, runs a tool named by keyword, or hands off), then says what comes back. It
is an ``llm.LLM`` so the session's pipeline treats it as any model.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from livekit.agents import DEFAULT_API_CONNECT_OPTIONS, APIConnectOptions, llm

Answer = Callable[[str], Awaitable[str]]

# How much of a passage is spoken: its first sentences, up to about this many characters.
SPOKEN_CHARS = 320


class KnowledgeResponder(llm.LLM):
    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self._answer = answer

    @property
    def model(self) -> str:
        return "knowledge-responder"

    @property
    def provider(self) -> str:
        return "local"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        **_: Any,
    ) -> llm.LLMStream:
        return _AnswerStream(self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options)


class _AnswerStream(llm.LLMStream):
    async def _run(self) -> None:
        responder = self._llm
        assert isinstance(responder, KnowledgeResponder)
        question = last_user_text(self._chat_ctx)
        text = await responder._answer(question)
        self._event_ch.send_nowait(
            llm.ChatChunk(
                id=str(uuid.uuid4()),
                delta=llm.ChoiceDelta(role="assistant", content=text),
            )
        )


def last_user_text(chat_ctx: llm.ChatContext) -> str:
    for item in reversed(chat_ctx.items):
        if isinstance(item, llm.ChatMessage) and item.role == "user":
            return item.text_content or ""
    return ""


def spoken(passage: str) -> str:
    """The start of a passage, cut at a sentence end, without Markdown marks."""
    text = re.sub(r"[*_`]+", "", passage)
    text = re.sub(r"[#>|]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= SPOKEN_CHARS:
        return text
    cut = max(text.rfind(mark, 0, SPOKEN_CHARS) for mark in (". ", "! ", "? "))
    return text[: cut + 1] if cut > 0 else text[:SPOKEN_CHARS].rsplit(" ", 1)[0] + "…"


def tool_named_in(text: str, tools: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The tool whose name's words all appear in the caller's words (``order_status`` for
    "what is my order status"), the longest name first."""
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    for tool in sorted(tools, key=lambda t: -len(t["name"])):
        parts = [p for p in re.split(r"[^a-z0-9]+", tool["name"].lower()) if p]
        if parts and all(p in words for p in parts):
            return tool
    return None
