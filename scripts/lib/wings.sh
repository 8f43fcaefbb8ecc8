# shellcheck shell=bash
# The direction between the wings, checked on the source tree. `agent` and `desk` may use
# `platform`; `platform` uses neither; `agent` and `desk` do not use each other. The one bridge
# between them, server/domain/src/bridge/, sits outside the wing folders and is their only
# way across (README, "Architecture").

# Layers split into wings, relative to the repository root.
WING_ROOTS=(app/model/src server/domain/src server/store/src server/src/api app/src/server_fns app/src/pages)

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
  echo "wings: platform uses no other wing; agent and desk use only platform (and meet in the bridge)"
}
