#!/usr/bin/env bash
# Stops the control plane started by up.sh in STATE_DIR: TERM to each
# component (reverse start order), KILL after a grace period. Safe to run
# again, or on a state dir where nothing runs.
#
# usage: down.sh [STATE_DIR]   (default: $NEMO_CLUSTER_DIR or ~/.cache/nemo/cluster)
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  local state=${1:-$(default_state_dir)}
  if [[ ! -d "$state" ]]; then
    log "nothing to stop: $state does not exist"
    return
  fi
  state=$(cd "$state" && pwd)
  stop_all "$state"
  rm -f "$state/.ready"
  log "stopped cluster in $state"
}

main "$@"
