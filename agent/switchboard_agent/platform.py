"""The platform's public API, as the call's agent uses it (never an app secret, never the
database). Every request carries the call's agent credential."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from .dispatch import Dispatch

REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=10)


class PlatformError(RuntimeError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Passage:
    title: str
    content: str
    score: float


@dataclass(frozen=True)
class SearchAnswer:
    passages: list[Passage]
    gap_detected: bool


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    rules: list[str]
    # What the app's rules say to answer instead of blocked words, when they say.
    message: str | None = None


class Platform:
    """One call's client. Use as an async context manager, or call ``close``."""

    def __init__(self, dispatch: Dispatch, session: aiohttp.ClientSession | None = None) -> None:
        self.dispatch = dispatch
        self._http = session or aiohttp.ClientSession(timeout=REQUEST_TIMEOUT)
        self._headers = {"Authorization": f"Bearer {dispatch.credential}"}
        # (method and path, milliseconds) of every call, for the per-turn timings.
        self.timings: list[tuple[str, float]] = []

    async def __aenter__(self) -> Platform:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.close()

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        url = self.dispatch.platform_url + path
        started = time.perf_counter()
        async with self._http.request(method, url, json=body, headers=self._headers) as answer:
            data = await answer.json(content_type=None) if answer.content_length != 0 else None
            elapsed_ms = (time.perf_counter() - started) * 1000
            self.timings.append((f"{method} {path.split('?')[0]}", elapsed_ms))
            if answer.status >= 400:
                data = data if isinstance(data, dict) else {}
                raise PlatformError(
                    answer.status, str(data.get("code", "")), str(data.get("message", ""))
                )
            return data

    async def persona(self) -> dict[str, Any]:
        return await self._call("GET", "/api/persona")

    async def tools(self) -> list[dict[str, Any]]:
        return (await self._call("GET", "/api/tools"))["tools"]

    async def execute_tool(self, name: str, parameters: dict[str, Any]) -> dict[str, Any]:
        return await self._call(
            "POST",
            "/api/tools/execute",
            {"sessionId": self.dispatch.session_id, "toolName": name, "parameters": parameters},
        )

    async def check(self, content: str, direction: str) -> Verdict:
        """Guardrails on the caller's words (``input``) or the agent's (``output``)."""
        verdict = await self._call(
            "POST",
            "/api/guardrails/check",
            {"sessionId": self.dispatch.session_id, "content": content, "direction": direction},
        )
        hits = verdict["violations"]
        message = next((h["userMessage"] for h in hits if h.get("userMessage")), None)
        return Verdict(
            allowed=bool(verdict["allowed"]),
            rules=[str(hit["ruleId"]) for hit in hits],
            message=message,
        )

    async def search(self, query: str, top_k: int = 3) -> SearchAnswer:
        """Knowledge search; the platform records a gap when nothing scores high enough."""
        answer = await self._call(
            "POST",
            "/api/knowledge/search",
            {"query": query, "topK": top_k, "sessionId": self.dispatch.session_id},
        )
        passages = [
            Passage(title=r["title"], content=r["content"], score=float(r["score"]))
            for r in answer["results"]
        ]
        return SearchAnswer(passages=passages, gap_detected=bool(answer["gapDetected"]))

    async def variant_config(self) -> dict[str, Any]:
        """The configuration of this session's variant in each running experiment, merged."""
        merged: dict[str, Any] = {}
        experiments = (await self._call("GET", "/api/experiments"))["experiments"]
        for experiment in experiments:
            if experiment.get("status") != "active":
                continue
            assigned = await self._call(
                "POST",
                "/api/experiments/assign",
                {"experimentId": experiment["id"], "sessionId": self.dispatch.session_id},
            )
            merged.update(assigned.get("config") or {})
        return merged

    async def post_messages(self, messages: list[dict[str, Any]]) -> None:
        await self._call("POST", "/api/messages", {"messages": messages})

    async def hand_off(self, reason: str, transcript: list[dict[str, Any]], summary: str) -> str:
        created = await self._call(
            "POST",
            "/api/handoffs",
            {
                "sessionId": self.dispatch.session_id,
                "reason": reason,
                "transcript": transcript,
                "aiSummary": summary,
                "channel": "voice",
            },
        )
        return created["id"]

    async def end_conversation(self, status: str = "resolved") -> None:
        await self._call(
            "POST",
            "/api/conversations",
            {"sessionId": self.dispatch.session_id, "status": status, "channel": "voice"},
        )
