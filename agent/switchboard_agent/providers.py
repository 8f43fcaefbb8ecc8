"""Speech and language models for a call, from its ``agentConfig`` (seed 004's ``stt``, ``tts``
and ``llm`` descriptors) and this machine's settings.

- ``local`` (the default, and whatever cannot be served here): pocketsphinx, the knowledge
  responder and espeak-ng. Runs fully offline, with no keys.
- An OpenAI-compatible server through ``OPENAI_BASE_URL`` (Ollama, vLLM, …, with
  ``OPENAI_API_KEY`` when it wants one): used for ``llm`` descriptors ``openai/<model>``, and
  for ``stt``/``tts`` descriptors ``openai/<model>`` too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from livekit.agents import llm, stt, tts

from .local_audio import EspeakTTS, PocketsphinxSTT
from .responder import Answer, KnowledgeResponder


@dataclass
class Providers:
    stt: stt.STT
    llm: llm.LLM
    tts: tts.TTS
    # The knowledge responder speaks for itself; an LLM gets the instructions and tools.
    local_llm: bool


def _openai_model(descriptor: Any) -> str | None:
    """``openai/gpt-4o-mini`` → ``gpt-4o-mini`` when an OpenAI-compatible server is set."""
    if not os.environ.get("OPENAI_BASE_URL") or not isinstance(descriptor, str):
        return None
    provider, _, model = descriptor.partition("/")
    return model if provider == "openai" and model else None


def _openai_settings() -> dict[str, str]:
    return {
        "base_url": os.environ["OPENAI_BASE_URL"],
        "api_key": os.environ.get("OPENAI_API_KEY", "unused"),
    }


def build(config: dict[str, Any], answer: Answer) -> Providers:
    llm_model = _openai_model(config.get("llm"))
    stt_model = _openai_model(config.get("stt"))
    tts_model = _openai_model(config.get("tts"))
    chosen_llm: llm.LLM
    chosen_stt: stt.STT
    chosen_tts: tts.TTS
    if llm_model or stt_model or tts_model:
        # Imported only when used.
        from livekit.plugins import openai
    if llm_model:
        chosen_llm = openai.LLM(model=llm_model, **_openai_settings())
    else:
        chosen_llm = KnowledgeResponder(answer)
    if stt_model:
        chosen_stt = openai.STT(model=stt_model, **_openai_settings())
    else:
        chosen_stt = PocketsphinxSTT()
    if tts_model:
        chosen_tts = openai.TTS(model=tts_model, **_openai_settings())
    else:
        chosen_tts = EspeakTTS()
    return Providers(stt=chosen_stt, llm=chosen_llm, tts=chosen_tts, local_llm=not llm_model)
