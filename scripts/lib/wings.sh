# shellcheck shell=bash
# The direction between the wings, checked on the source tree. `agent` and `desk` may use
# `platform`; `platform` uses neither; `agent` and `desk` do not use each other, except through
# the bridges listed here (README, "Architecture").

# Layers split into wings, relative to the repository root.
WING_ROOTS=(app/model/src server/domain/src server/store/src server/src/api app/src/server_fns app/src/pages)
# The bridges: a handoff (agent) may open a desk conversation; a contact's history (desk) lists
# the calls the contact held from the widget (the agent's voice sessions).
WING_BRIDGES=(server/domain/src/agent/handoffs.rs server/domain/src/desk/calls.rs)

# Prints each line of a wing folder that names a wing it must not use; fails if there is one.
check_wings() {
  local root wing forbidden file found=0 hits
  for root in "${WING_ROOTS[@]}"; do
    [ -d "$REPO_ROOT/$root" ] || die "wing check: no folder $root"
    for wing in platform agent desk; do
      [ -d "$REPO_ROOT/$root/$wing" ] || die "wing check: $root has no $wing folder"
      case $wing in
        platform) forbidden='agent|desk' ;;
        agent) forbidden='desk' ;;
        desk) forbidden='agent' ;;
      esac
      while IFS= read -r file; do
        if printf '%s\n' "${WING_BRIDGES[@]}" | grep -qx "${file#"$REPO_ROOT"/}"; then
          continue
        fi
        # A path through another wing's module: `crate::desk::…`, `model::agent::…`, …
        hits=$(grep -nE "(\b(crate|super|model|domain|store|pages|server_fns)::|[{,] *)($forbidden)::" "$file" || true)
        if [ -n "$hits" ]; then
          printf '%s\n' "$hits" | sed "s|^|${file#"$REPO_ROOT"/}:|"
          found=1
        fi
      done < <(find "$REPO_ROOT/$root/$wing" -name '*.rs')
    done
  done
  [ "$found" = 0 ] || die "a wing uses a wing it must not (see README, Architecture)"
  echo "wings: platform uses no other wing; agent and desk use only platform and the named bridges"
}
