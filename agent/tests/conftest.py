import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from stack import Stack  # noqa: E402


@pytest.fixture(scope="module")
def stack_without_worker():
    """LiveKit and the server; dispatches wait, since no worker answers them."""
    stack = Stack(agent_name="switchboard-contract-agent").start(with_worker=False)
    yield stack
    stack.close()


@pytest.fixture(scope="module")
def stack():
    """LiveKit, the server and this agent's worker: calls are answered."""
    stack = Stack(agent_name="switchboard-test-agent").start(with_worker=True)
    yield stack
    stack.close()


def run(coroutine):
    return asyncio.run(coroutine)
