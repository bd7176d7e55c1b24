# shellcheck shell=bash
# Shared helpers for build.sh, up.sh and down.sh. Sourced, never executed.

CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NEMO_CACHE="${NEMO_CACHE:-$HOME/.cache/nemo}"

# Modules whose go.mod/go.sum (and local main packages) decide what gets built.
MODULE_DIRS=("$CLUSTER_DIR" "$CLUSTER_DIR/kwok" "$CLUSTER_DIR/helm")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# build_id: short content hash of every input that can change a binary, so a
# new pin gets a fresh cache directory and an unchanged one is reused as-is.
build_id() {
  local d files=()
  for d in "${MODULE_DIRS[@]}"; do
    files+=("$d/go.mod" "$d/go.sum")
  done
  while IFS= read -r -d '' f; do files+=("$f"); done \
    < <(find "$CLUSTER_DIR/cmd" "$CLUSTER_DIR/kwok/cmd" -name '*.go' -print0 | sort -z)
  (cd "$CLUSTER_DIR" && sha256sum "${files[@]/#$CLUSTER_DIR\//}") | sha256sum | cut -c1-12
}

build_dir() { printf '%s/k8s-%s\n' "$NEMO_CACHE" "$(build_id)"; }

# Components in start order; down stops them in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

default_state_dir() { printf '%s\n' "${NEMO_CLUSTER_DIR:-$NEMO_CACHE/cluster}"; }

# abs_dir DIR: creates DIR and prints its absolute path.
abs_dir() { mkdir -p "$1" && (cd "$1" && pwd); }

# pid_of STATE COMPONENT: the recorded pid, if that process is still ours.
# The command line must mention the state dir, which guards against a
# recycled pid belonging to an unrelated process.
pid_of() {
  local state=$1 name=$2 pid
  [[ -f "$state/pids/$name.pid" ]] || return 1
  pid=$(<"$state/pids/$name.pid")
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$state/" || return 1
  printf '%s\n' "$pid"
}

# stop_all STATE [GRACE_SECONDS]: TERM to every component at once (each
# takes a few seconds to shut down; one after another adds up), then KILL
# whatever is still running after the grace period.
stop_all() {
  local state=$1 grace=${2:-10} i name pid pids=() names=()
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    name=${COMPONENTS[i]}
    if pid=$(pid_of "$state" "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    fi
  done
  for ((i = 0; i < grace * 10; i++)); do
    alive_any "${pids[@]}" || break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    pid=${pids[i]}
    if kill -0 "$pid" 2>/dev/null; then
      log "${names[i]} (pid $pid) ignored TERM for ${grace}s, killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$state"/pids/*.pid
}

# alive PID: the process exists and has not exited (a zombie has).
alive() {
  local stat
  { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

alive_any() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}
