"""The dispatch metadata contract between Switchboard and its agents.

Switchboard dispatches with a JSON object holding the call's configuration (``agentConfig``,
seed 004's keys), the session it serves, and how to reach the platform for that call:
``platformUrl``, ``appSlug`` and ``agentCredential``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class DispatchError(ValueError):
    """The metadata does not describe a call this agent can serve."""


@dataclass(frozen=True)
class Dispatch:
    platform_url: str
    app_slug: str
    credential: str
    session_id: str
    room_name: str
    agent_config: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, metadata: str) -> Dispatch:
        try:
            data = json.loads(metadata or "{}")
        except json.JSONDecodeError as err:
            raise DispatchError(f"dispatch metadata is not JSON: {err}") from err
        if not isinstance(data, dict):
            raise DispatchError("dispatch metadata must be a JSON object")
        missing = [
            key
            for key in ("platformUrl", "appSlug", "agentCredential", "sessionId")
            if not isinstance(data.get(key), str) or not data[key]
        ]
        if missing:
            raise DispatchError(
                "dispatch metadata lacks " + ", ".join(missing)
                + ": set LIVEKIT_AGENT_PLATFORM_URL on the server, or dispatch through Switchboard"
            )
        config = data.get("agentConfig")
        if config is None:
            # Seed 004 dispatches carry the configuration's keys at the top level.
            config = {k: v for k, v in data.items() if k in SEED_004_KEYS}
        if not isinstance(config, dict):
            raise DispatchError("agentConfig must be a JSON object")
        return cls(
            platform_url=data["platformUrl"].rstrip("/"),
            app_slug=data["appSlug"],
            credential=data["agentCredential"],
            session_id=data["sessionId"],
            room_name=str(data.get("roomName") or ""),
            agent_config=config,
        )


SEED_004_KEYS = frozenset(
    {
        "stt",
        "tts",
        "llm",
        "prompt",
        "greeting",
        "realtime",
        "realtime_model",
        "realtime_voice",
        "vad_enabled",
        "turn_detection_enabled",
        "noise_cancellation_enabled",
        "noise_cancellation_type",
    }
)
