"""The worker: registers as ``LIVEKIT_AGENT_NAME`` and answers each dispatched call.

A call's agent loads the app's persona into its instructions and applies the session's
experiment variant over the dispatch's ``agentConfig``; it checks the caller's words and its own
against the app's guardrails, answers from the knowledge base, offers the app's tools, streams
the transcript to the platform, and hands off to a human when asked or when it does not know.
On close it flushes the transcript and resolves the conversation (or leaves it handed off).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import AsyncIterable, Callable
from typing import Any

from livekit.agents import (
    Agent,
    AgentServer,
    AgentSession,
    ChatContext,
    ChatMessage,
    ConversationItemAddedEvent,
    FlushSentinel,
    JobContext,
    JobProcess,
    ModelSettings,
    RunContext,
    StopResponse,
    TurnHandlingOptions,
    function_tool,
    llm,
)
from livekit.plugins import silero

from . import local_audio, providers
from .dispatch import Dispatch
from .platform import Platform, PlatformError
from .responder import spoken, tool_named_in
from .transcripts import TranscriptBatcher

logger = logging.getLogger("switchboard.agent")

AGENT_NAME = os.environ.get("LIVEKIT_AGENT_NAME", "switchboard-agent")
TRANSCRIPT_ATTRIBUTE = "switchboard.transcript"
SAFE_REPLY = "I'm sorry, I can't help with that. Is there something else I can do for you?"
DONT_KNOW = "I don't know, let me find someone who can help you."
HANDED_OFF = "I'm handing you over to a colleague now. Please stay on the line."
# Words that ask for a person, for the responder (an LLM calls transfer_to_human itself).
HUMAN_WORDS = frozenset({"human", "person", "someone", "representative", "operator", "colleague"})


class CallAgent(Agent):
    def __init__(
        self,
        platform: Platform,
        transcript: TranscriptBatcher,
        instructions: str,
        app_tools: list[dict[str, Any]],
        with_llm: bool,
        caller_identity: Callable[[], str],
    ) -> None:
        super().__init__(
            instructions=instructions,
            tools=[_platform_tool(platform, tool) for tool in app_tools] if with_llm else [],
        )
        self.platform = platform
        self.transcript = transcript
        self.app_tools = app_tools
        self.handed_off = False
        self.caller_identity = caller_identity
        # Where this turn's platform calls start in `platform.timings`: after the call's setup,
        # then after each reply. (The reply may be prepared while the turn still completes, so
        # the turn's start is not a moment the agent sees.)
        self.turn_began = len(platform.timings)

    async def on_user_turn_completed(
        self, turn_ctx: ChatContext, new_message: ChatMessage
    ) -> None:
        """Guardrails on the caller's words: a blocked turn gets the app's safe reply."""
        text = new_message.text_content or ""
        if not text.strip():
            raise StopResponse()
        verdict = await self.platform.check(text, "input")
        if not verdict.allowed:
            logger.info("caller's words blocked by %s", verdict.rules)
            # Said all the same: the transcript keeps it, though no reply answers it.
            self.transcript.add(new_message.id, "user", self.caller_identity(), text)
            self.session.say(verdict.message or SAFE_REPLY)
            raise StopResponse()

    async def llm_node(
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterable[llm.ChatChunk | str | FlushSentinel]:
        """Guardrails on the agent's own words: the whole reply is checked before it is said."""
        said: list[str] = []
        async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
            if isinstance(chunk, str):
                said.append(chunk)
            elif isinstance(chunk, llm.ChatChunk) and chunk.delta is not None:
                said.append(chunk.delta.content or "")
                if chunk.delta.tool_calls:
                    # Tool calls pass at once; only words wait for the check.
                    yield llm.ChatChunk(
                        id=chunk.id,
                        delta=llm.ChoiceDelta(role="assistant", tool_calls=chunk.delta.tool_calls),
                    )
            else:
                yield chunk
        reply = "".join(said).strip()
        if not reply:
            return
        verdict = await self.platform.check(reply, "output")
        yield reply if verdict.allowed else (verdict.message or SAFE_REPLY)
        self.log_turn_timings()

    def log_turn_timings(self) -> None:
        """The platform's share of this turn, by call (bench/voice-turns reads it)."""
        shares: dict[str, float] = {}
        for call, ms in self.platform.timings[self.turn_began :]:
            shares[call] = shares.get(call, 0.0) + ms
        logger.info("turn timings", extra={"platform_ms": shares})
        self.turn_began = len(self.platform.timings)

    @function_tool()
    async def transfer_to_human(self, context: RunContext, reason: str) -> str:
        """Hand the caller over to a human colleague, when they ask for one or you cannot help.

        Args:
            reason: Why, in a few words.
        """
        await self.hand_off("customer_request", reason)
        return HANDED_OFF

    async def hand_off(self, reason: str, detail: str) -> None:
        if self.handed_off:
            return
        await self.transcript.flush()
        await self.platform.hand_off(reason, self.transcript.transcript(), summary=detail)
        self.handed_off = True

    async def answer_locally(self, question: str) -> str:
        """The knowledge responder's answer: a tool named by keyword, the best passage, or a
        handoff when the caller asks for a person or nothing scores above the gap threshold."""
        try:
            return await self._answer_from_platform(question)
        except PlatformError as err:
            logger.warning("could not answer from the platform: %s", err)
            return "Sorry, I can't look that up right now. Please try again in a moment."

    async def _answer_from_platform(self, question: str) -> str:
        words = set(re.findall(r"[a-z]+", question.lower()))
        if words & HUMAN_WORDS:
            await self.hand_off("customer_request", f"The caller asked for a person: {question}")
            return HANDED_OFF
        tool = tool_named_in(question, self.app_tools)
        if tool is not None:
            result = await self.platform.execute_tool(tool["name"], {})
            if result.get("success"):
                data = result.get("data")
                return spoken(data if isinstance(data, str) else json.dumps(data))
            return f"I could not reach {tool['name'].replace('_', ' ')} just now."
        answer = await self.platform.search(question)
        if answer.gap_detected or not answer.passages:
            await self.hand_off("knowledge_gap", f"No answer in the knowledge base to: {question}")
            return DONT_KNOW
        return spoken(answer.passages[0].content)


def _platform_tool(platform: Platform, tool: dict[str, Any]) -> llm.Tool:
    """One of the app's tools, offered to the LLM, run through the platform."""
    try:
        parameters = json.loads(tool.get("parametersSchema") or "{}")
    except json.JSONDecodeError:
        parameters = {"type": "object", "properties": {}}

    async def run(raw_arguments: dict[str, Any], context: RunContext) -> str:
        result = await platform.execute_tool(tool["name"], raw_arguments)
        return json.dumps(result)

    return function_tool(
        run,
        raw_schema={
            "name": tool["name"],
            "description": tool.get("description") or tool["name"],
            "parameters": parameters,
        },
    )


# The turn ends once the VAD has heard 0.3 s of silence and the transcript is in; without a
# turn-detector model, LiveKit Agents would otherwise wait up to 2.5 s after the speech.
# No preemptive generation: LiveKit Agents would run the reply (a knowledge search, maybe a
# handoff, or the caller's words sent to an LLM) before `on_user_turn_completed` has checked
# the guardrails, and again for every partial transcript it later throws away.
TURN_HANDLING: TurnHandlingOptions = {
    "turn_detection": "vad",
    "endpointing": {"min_delay": 0.3, "max_delay": 0.8},
    "preemptive_generation": {"enabled": False},
}


def prewarm(process: JobProcess) -> None:
    process.userdata["vad"] = silero.VAD.load()
    local_audio.preload()


# The health check's port (GET / and /worker); 8081 is LiveKit Agents' own default.
HEALTH_PORT = int(os.environ.get("SWITCHBOARD_AGENT_PORT", "8081"))

# Above this CPU load (0–1) the worker takes no new calls; LiveKit Agents' default is 0.7. A
# busy test machine sets it higher (`inf`: never full).
LOAD_THRESHOLD = float(os.environ.get("SWITCHBOARD_AGENT_LOAD_THRESHOLD", "0.7"))

server = AgentServer(setup_fnc=prewarm, port=HEALTH_PORT, load_threshold=LOAD_THRESHOLD)


@server.rtc_session(agent_name=AGENT_NAME)
async def answer_call(ctx: JobContext) -> None:
    dispatch = Dispatch.parse(ctx.job.metadata)
    platform = Platform(dispatch)
    persona = await platform.persona()
    try:
        variant = await platform.variant_config()
    except PlatformError as err:
        logger.warning("no experiment variant: %s", err)
        variant = {}
    config = {**dispatch.agent_config, **variant}
    app_tools = await platform.tools()
    transcript = TranscriptBatcher(platform.post_messages, dispatch.session_id, dispatch.room_name)

    agent: CallAgent | None = None

    async def answer(question: str) -> str:
        assert agent is not None
        return await agent.answer_locally(question)

    chosen = providers.build(config, answer)
    instructions = "\n\n".join(
        part for part in (persona.get("instructions"), config.get("prompt")) if part
    )
    agent = CallAgent(
        platform,
        transcript,
        instructions,
        app_tools,
        with_llm=not chosen.local_llm,
        caller_identity=lambda: caller_identity(ctx),
    )
    session = AgentSession(
        vad=ctx.proc.userdata["vad"],
        stt=chosen.stt,
        llm=chosen.llm,
        tts=chosen.tts,
        turn_handling=TURN_HANDLING,
    )

    @session.on("conversation_item_added")
    def _keep(event: ConversationItemAddedEvent) -> None:
        item = event.item
        if not isinstance(item, ChatMessage) or item.role not in ("user", "assistant"):
            return
        role = "user" if item.role == "user" else "agent"
        identity = caller_identity(ctx) if role == "user" else ctx.room.local_participant.identity
        transcript.add(item.id, role, identity, item.text_content or "")
        if item.metrics:
            # LiveKit Agents' own latencies of the turn (bench/voice-turns reads them).
            logger.info("turn metrics", extra={"role": role, "metrics": dict(item.metrics)})

    async def finish() -> None:
        await transcript.close()
        writes = [ms for call, ms in platform.timings if call == "POST /api/messages"]
        logger.info("call timings", extra={"message_writes_ms": writes})
        try:
            if not agent.handed_off:
                await platform.end_conversation("resolved")
        except PlatformError as err:
            logger.warning("could not resolve the conversation: %s", err)
        await platform.close()

    ctx.add_shutdown_callback(finish)
    await ctx.connect()
    # Tells the playground (and any client) that this agent stores the transcript itself.
    await ctx.room.local_participant.set_attributes({TRANSCRIPT_ATTRIBUTE: "stored"})
    transcript.start()
    await session.start(agent=agent, room=ctx.room)
    greeting = config.get("greeting") or persona.get("personaGreeting")
    if greeting:
        session.say(greeting)


def caller_identity(ctx: JobContext) -> str:
    for participant in ctx.room.remote_participants.values():
        return participant.identity
    return "caller"
