"""Speech to text and text to speech that run on this machine, with no keys and no downloads:
pocketsphinx (its US English model ships inside the wheel) and Debian's ``espeak-ng``."""

from __future__ import annotations

import asyncio
import io
import shutil
import uuid
import wave
from functools import lru_cache

from livekit import rtc
from livekit.agents import (
    DEFAULT_API_CONNECT_OPTIONS,
    APIConnectOptions,
    LanguageCode,
    NotGivenOr,
    stt,
    tts,
    utils,
)

SPHINX_RATE = 16_000


@lru_cache(maxsize=1)
def _decoder():  # type: ignore[no-untyped-def]
    # Imported here: loading the model takes about a second, once per process.
    from pocketsphinx import Decoder

    return Decoder(samprate=SPHINX_RATE, loglevel="FATAL")


def preload() -> None:
    """Loads the speech model before the first call (the worker's prewarm)."""
    _decoder()


def transcribe_pcm16(pcm: bytes) -> str:
    """16 kHz mono 16-bit PCM to text; blocking (run it in a thread)."""
    decoder = _decoder()
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hypothesis = decoder.hyp()
    return hypothesis.hypstr.strip() if hypothesis else ""


class PocketsphinxSTT(stt.STT):
    """Recognises one utterance at a time; the session's VAD cuts the utterances."""

    def __init__(self) -> None:
        super().__init__(
            capabilities=stt.STTCapabilities(streaming=False, interim_results=False)
        )
        # One decoder per process: one utterance at a time.
        self._lock = asyncio.Lock()

    @property
    def model(self) -> str:
        return "pocketsphinx-en-us"

    @property
    def provider(self) -> str:
        return "local"

    async def _recognize_impl(
        self,
        buffer: utils.AudioBuffer,
        *,
        language: NotGivenOr[str] = "en-US",
        conn_options: APIConnectOptions,
    ) -> stt.SpeechEvent:
        frame = utils.merge_frames(buffer)
        pcm = _to_sphinx_pcm(frame)
        async with self._lock:
            text = await asyncio.to_thread(transcribe_pcm16, pcm)
        return stt.SpeechEvent(
            type=stt.SpeechEventType.FINAL_TRANSCRIPT,
            request_id=str(uuid.uuid4()),
            alternatives=[stt.SpeechData(language=LanguageCode("en-US"), text=text)],
        )


def _to_sphinx_pcm(frame: rtc.AudioFrame) -> bytes:
    """Mono 16 kHz PCM from a frame of any rate and channel count."""
    if frame.num_channels > 1:
        samples = memoryview(frame.data).cast("h")
        mono = samples[:: frame.num_channels].tobytes()
        frame = rtc.AudioFrame(mono, frame.sample_rate, 1, frame.samples_per_channel)
    if frame.sample_rate == SPHINX_RATE:
        return bytes(frame.data)
    resampler = rtc.AudioResampler(frame.sample_rate, SPHINX_RATE, num_channels=1)
    out = [f.data.tobytes() for f in resampler.push(frame)]
    out += [f.data.tobytes() for f in resampler.flush()]
    return b"".join(out)


ESPEAK_RATE = 22_050


class EspeakTTS(tts.TTS):
    """``espeak-ng --stdout``: robotic, instant, offline."""

    def __init__(self, voice: str = "en-us", words_per_minute: int = 165) -> None:
        super().__init__(
            capabilities=tts.TTSCapabilities(streaming=False),
            sample_rate=ESPEAK_RATE,
            num_channels=1,
        )
        binary = shutil.which("espeak-ng")
        if binary is None:
            raise RuntimeError("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
        self._binary = binary
        self._voice = voice
        self._wpm = words_per_minute

    @property
    def model(self) -> str:
        return f"espeak-ng:{self._voice}"

    @property
    def provider(self) -> str:
        return "local"

    def synthesize(
        self, text: str, *, conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS
    ) -> tts.ChunkedStream:
        return _EspeakStream(tts=self, input_text=text, conn_options=conn_options)

    async def render(self, text: str) -> bytes:
        """The text as 22.05 kHz mono 16-bit PCM."""
        process = await asyncio.create_subprocess_exec(
            self._binary, "-v", self._voice, "-s", str(self._wpm), "--stdout", text,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        wav, errors = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"espeak-ng failed: {errors.decode(errors='replace')}")
        with wave.open(io.BytesIO(wav)) as reader:
            return reader.readframes(reader.getnframes())


class _EspeakStream(tts.ChunkedStream):
    async def _run(self, output_emitter: tts.AudioEmitter) -> None:
        engine = self._tts
        assert isinstance(engine, EspeakTTS)
        pcm = await engine.render(self._input_text)
        output_emitter.initialize(
            request_id=str(uuid.uuid4()),
            sample_rate=ESPEAK_RATE,
            num_channels=1,
            mime_type="audio/pcm",
        )
        output_emitter.push(pcm)
        output_emitter.flush()
