"""Switchboard's reference voice agent.

A LiveKit Agents worker that answers the calls Switchboard dispatches. Everything it knows about
a call comes from the dispatch metadata (``dispatch.py``); everything it does goes through the
platform's public API with the call's agent credential (``platform.py``), so one worker serves
every app without holding an app secret.
"""
