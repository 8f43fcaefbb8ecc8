"""``python -m switchboard_agent start`` (or ``dev``): the worker, with LiveKit Agents' CLI.
LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET say which LiveKit server to serve."""

from livekit.agents import cli

from .worker import server


def main() -> None:
    cli.run_app(server)


if __name__ == "__main__":
    main()
