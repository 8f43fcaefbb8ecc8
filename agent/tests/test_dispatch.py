"""The metadata contract: what Switchboard really dispatches, read back from the real LiveKit
server, is what the agent parses, and its credential works for that call only."""

import pytest
from conftest import run
from livekit import api as livekit_api
from stack import APP, KEY, SECRET, api

from switchboard_agent.dispatch import Dispatch, DispatchError
from switchboard_agent.platform import Platform, PlatformError


async def dispatched_metadata(stack, room: str) -> str:
    http_url = stack.livekit_url.replace("ws://", "http://")
    async with livekit_api.LiveKitAPI(http_url, KEY, SECRET) as lk:
        dispatches = await lk.agent_dispatch.list_dispatch(room_name=room)
    ours = [d for d in dispatches if d.agent_name == stack.agent_name]
    assert len(ours) == 1, dispatches
    return ours[0].metadata


def test_a_real_dispatch_parses_and_its_credential_serves_that_call_only(stack_without_worker):
    stack = stack_without_worker

    async def scenario():
        started = await api(stack, "POST", "/session", {
            "userIdentity": "caller-1", "roomName": "contract-room",
            "agentConfig": {"prompt": "Be brief", "greeting": "Hello there", "llm": "local"},
        })
        assert started["agentDispatched"] is True
        dispatch = Dispatch.parse(await dispatched_metadata(stack, "contract-room"))
        assert dispatch.platform_url == stack.server_url
        assert dispatch.app_slug == APP
        assert dispatch.room_name == "contract-room"
        assert dispatch.session_id.startswith("voice-")
        assert dispatch.credential.startswith("sba_")
        assert dispatch.agent_config["prompt"] == "Be brief"
        assert dispatch.agent_config["greeting"] == "Hello there"

        async with Platform(dispatch) as platform:
            persona = await platform.persona()
            assert "instructions" in persona
            assert await platform.tools() == []
            assert (await platform.check("hello", "input")).allowed
            await platform.post_messages([{
                "sessionId": dispatch.session_id, "participantIdentity": "agent-x",
                "role": "agent", "content": "Hi", "isFinal": True, "createdAt": 1,
                "segmentId": "seg-1",
            }])
            # Another session, or an operation only the app's server may do: refused.
            with pytest.raises(PlatformError) as refused:
                await platform.post_messages([{
                    "sessionId": "voice-another", "participantIdentity": "agent-x",
                    "role": "agent", "content": "Hi", "isFinal": True, "createdAt": 1,
                }])
            assert refused.value.status == 403 and refused.value.code == "PERMISSION_DENIED"
            with pytest.raises(PlatformError) as refused:
                await platform._call("GET", "/api/conversations")
            assert refused.value.status == 403

        # The call ends: after its grace period the credential is refused (checked in the
        # server's own tests); the dispatch is gone with the room.
        await api(stack, "POST", "/session/end", {"roomName": "contract-room"})

    run(scenario())


def test_metadata_without_platform_access_is_refused_with_the_setting_to_fix():
    with pytest.raises(DispatchError, match="LIVEKIT_AGENT_PLATFORM_URL"):
        Dispatch.parse('{"prompt": "Be brief"}')
    with pytest.raises(DispatchError, match="JSON"):
        Dispatch.parse("not json")
    seed_004 = Dispatch.parse(
        '{"platformUrl": "http://x/", "appSlug": "a", "agentCredential": "sba_1",'
        ' "sessionId": "s", "stt": "local", "prompt": "Hi", "unknown": 1}'
    )
    assert seed_004.platform_url == "http://x"
    assert seed_004.agent_config == {"stt": "local", "prompt": "Hi"}
