"""Final transcript segments, batched to ``POST /api/messages`` every 2 seconds (seed 000).

Each segment is keyed by its id, so a segment sent twice (a retry after a failure, or a final
version after an interim one) replaces itself on the platform instead of duplicating. A failed
batch stays pending for the next flush; ``close`` flushes what is left.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("switchboard.transcripts")

FLUSH_INTERVAL_S = 2.0
# The platform accepts at most 500 messages per batch.
MAX_BATCH = 500


@dataclass
class Segment:
    segment_id: str
    role: str  # "user" or "agent"
    identity: str
    text: str
    created_at_ms: int


class TranscriptBatcher:
    def __init__(
        self,
        send: Callable[[list[dict[str, Any]]], Awaitable[None]],
        session_id: str,
        room_name: str,
        interval_s: float = FLUSH_INTERVAL_S,
    ) -> None:
        self._send = send
        self._session_id = session_id
        self._room_name = room_name
        self._interval_s = interval_s
        self._pending: dict[str, Segment] = {}
        # When each segment was first heard: a newer version of it keeps its place in time.
        self._started_ms: dict[str, int] = {}
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.sent: list[Segment] = []

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="transcript-batcher")

    def add(self, segment_id: str, role: str, identity: str, text: str) -> None:
        """A final segment; a later one with the same id replaces it, keeping its time."""
        if not text.strip():
            return
        started_ms = self._started_ms.setdefault(segment_id, int(time.time() * 1000))
        self._pending[segment_id] = Segment(segment_id, role, identity, text.strip(), started_ms)

    def transcript(self) -> list[dict[str, Any]]:
        """Everything said so far, oldest first, as a handoff carries it."""
        said = {s.segment_id: s for s in self.sent} | self._pending
        ordered = sorted(said.values(), key=lambda s: s.created_at_ms)
        return [{"role": s.role, "content": s.text, "ts": s.created_at_ms} for s in ordered]

    async def flush(self) -> None:
        async with self._lock:
            while self._pending:
                batch = list(self._pending.values())[:MAX_BATCH]
                try:
                    await self._send([self._message(s) for s in batch])
                except Exception:
                    logger.warning("could not store %d transcript segments", len(batch), exc_info=True)
                    return
                for segment in batch:
                    # Replaced meanwhile by a newer version: keep that one pending.
                    if self._pending.get(segment.segment_id) is segment:
                        del self._pending[segment.segment_id]
                    self.sent.append(segment)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self.flush()

    def _message(self, segment: Segment) -> dict[str, Any]:
        return {
            "sessionId": self._session_id,
            "roomName": self._room_name or None,
            "participantIdentity": segment.identity,
            "role": segment.role,
            "content": segment.text,
            "isFinal": True,
            "createdAt": segment.created_at_ms,
            "segmentId": segment.segment_id,
        }
