"""Batching and idempotency of the transcript, against the real server."""

import asyncio

from conftest import run
from stack import api

from switchboard_agent.dispatch import Dispatch
from switchboard_agent.platform import Platform
from switchboard_agent.transcripts import TranscriptBatcher
from test_dispatch import dispatched_metadata


def test_segments_are_batched_stored_once_and_flushed_on_close(stack_without_worker):
    stack = stack_without_worker

    async def scenario():
        await api(stack, "POST", "/session", {"userIdentity": "caller-2", "roomName": "batch-room"})
        dispatch = Dispatch.parse(await dispatched_metadata(stack, "batch-room"))
        async with Platform(dispatch) as platform:
            batches: list[int] = []
            failures = [True]  # the first send fails: its segments must wait, not vanish

            async def send(messages):
                if failures:
                    failures.pop()
                    raise ConnectionError("the platform is restarting")
                batches.append(len(messages))
                await platform.post_messages(messages)

            batcher = TranscriptBatcher(send, dispatch.session_id, "batch-room", interval_s=0.2)
            batcher.start()
            batcher.add("seg-1", "user", "caller-2", "What are your opening hours?")
            batcher.add("seg-2", "agent", "agent-1", "From nine")
            batcher.add("seg-2", "agent", "agent-1", "From nine to six.")  # replaces, same id
            await asyncio.sleep(0.7)
            assert batches == [2], batches  # one failed attempt, then one batch of two
            batcher.add("seg-3", "user", "caller-2", "Thanks")
            await asyncio.sleep(0.01)
            # Sent again, later: no duplicate, and it keeps its place before seg-3.
            batcher.add("seg-2", "agent", "agent-1", "From nine to six.")
            await batcher.close()  # flushes what is left at once

        stored = await api(stack, "GET", f"/api/messages?sessionId={dispatch.session_id}")
        said = [(m["segmentId"], m["content"]) for m in stored["messages"]]
        assert said == [
            ("seg-1", "What are your opening hours?"),
            ("seg-2", "From nine to six."),
            ("seg-3", "Thanks"),
        ], said
        assert [t["content"] for t in batcher.transcript()] == [s for _, s in said]
        await api(stack, "POST", "/session/end", {"roomName": "batch-room"})

    run(scenario())
