# shellcheck shell=bash
# The reference agent (agent/): its Python environment in .tools/agent-venv, with the pinned
# LiveKit Agents from agent/pyproject.toml, and Debian's espeak-ng, its offline voice.

AGENT_VENV="$REPO_ROOT/.tools/agent-venv"
AGENT_PYTHON="$AGENT_VENV/bin/python"

ensure_espeak() {
  command -v espeak-ng >/dev/null && return 0
  log "installing Debian's espeak-ng (the agent's offline text to speech)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null
}

# Reinstalled when agent/pyproject.toml changes; otherwise a no-op.
ensure_agent_env() {
  ensure_espeak
  local stamp="$AGENT_VENV/.installed-from" want
  want=$(sha256sum "$REPO_ROOT/agent/pyproject.toml" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  log "installing the reference agent's Python environment (livekit-agents, about a minute)"
  python3 -m venv "$AGENT_VENV"
  "$AGENT_PYTHON" -m pip install --quiet --upgrade pip
  "$AGENT_PYTHON" -m pip install --quiet -e "$REPO_ROOT/agent[test]"
  echo "$want" >"$stamp"
}
