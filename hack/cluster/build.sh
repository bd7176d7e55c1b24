#!/usr/bin/env bash
# Builds the local test control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok, helm) from the
# upstream Go modules pinned in this folder.
#
# Output: ~/.cache/nemo/k8s-<hash>/bin, where <hash> covers the go.mod/go.sum
# pins, so a warm run only hashes a few files and exits. The absolute bin
# directory is the only thing printed on stdout; progress goes to stderr.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The machines this runs on have 2 cores and are shared; more parallelism
# only raises peak memory without finishing sooner.
export GOMAXPROCS="${GOMAXPROCS:-2}"
GO_PARALLEL="${NEMO_GO_PARALLEL:-2}"
# The go.mod files carry full require lists; -mod=mod lets a fresh module
# cache fill itself from the proxy without a separate `go mod download`.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod -buildvcs=false"
# Static binaries, as upstream releases them; also means no C toolchain is needed.
export CGO_ENABLED=0

# The binaries a complete build directory must hold.
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok helm)

is_complete() {
  local dir=$1 b
  [[ -f "$dir/.complete" ]] || return 1
  for b in "${BINARIES[@]}"; do [[ -x "$dir/bin/$b" ]] || return 1; done
  [[ -s "$dir/kwok-stages.yaml" ]]
}

module_version() { # module_version MODULE_DIR MODULE_PATH
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}

# go_build MODULE_DIR OUTPUT PACKAGE [LDFLAGS...]: one binary, timed.
go_build() {
  local mod=$1 out=$2 pkg=$3; shift 3
  local start=$SECONDS
  log "building $(basename "$out") ($pkg)"
  (cd "$mod" && go build -p "$GO_PARALLEL" -trimpath \
      -ldflags "-s -w $*" -o "$out" "$pkg")
  log "built $(basename "$out") in $((SECONDS - start))s"
}

build_all() {
  local bin=$1
  command -v go >/dev/null || die "go is required (see hack/cluster/README.md)"

  local kube kmaj kmin kwokv helmv
  kube=$(module_version "$CLUSTER_DIR" k8s.io/kubernetes)
  kmaj=${kube#v}; kmaj=${kmaj%%.*}
  kmin=${kube#v*.}; kmin=${kmin%%.*}
  kwokv=$(module_version "$CLUSTER_DIR/kwok" sigs.k8s.io/kwok)
  helmv=$(module_version "$CLUSTER_DIR/helm" helm.sh/helm/v4)

  # kubectl version, discovery (/version) and the apiserver's emulation
  # version all read these; unstamped builds report v0.0.0-master.
  local kv=() p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kv+=("-X $p.gitVersion=$kube" "-X $p.gitMajor=$kmaj" "-X $p.gitMinor=$kmin"
         "-X $p.gitTreeState=clean")
  done

  log "Kubernetes $kube, kwok $kwokv, helm $helmv -> $bin"
  go_build "$CLUSTER_DIR" "$bin/etcd" ./cmd/etcd
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    go_build "$CLUSTER_DIR" "$bin/$c" "k8s.io/kubernetes/cmd/$c" "${kv[@]}"
  done
  go_build "$CLUSTER_DIR/kwok" "$bin/kwok" sigs.k8s.io/kwok/cmd/kwok \
    "-X sigs.k8s.io/kwok/pkg/consts.Version=${kwokv#v}"
  go_build "$CLUSTER_DIR/kwok" "$bin/kwok-stages" ./cmd/kwok-stages
  go_build "$CLUSTER_DIR/helm" "$bin/helm" helm.sh/helm/v4/cmd/helm \
    "-X helm.sh/helm/v4/internal/version.version=$helmv"
}

main() {
  local dir; dir=$(build_dir)
  if is_complete "$dir"; then
    printf '%s\n' "$dir/bin"
    return
  fi

  mkdir -p "$dir"
  # Two callers (e.g. parallel test runs) must not build into the same place.
  exec 9>"$dir/.lock"
  flock 9
  if ! is_complete "$dir"; then
    local start=$SECONDS
    # Build into a scratch folder and swap it in, so an interrupted build
    # never looks complete.
    rm -rf "${dir:?}/bin.partial" "${dir:?}/bin"
    mkdir -p "$dir/bin.partial"
    build_all "$dir/bin.partial"
    "$dir/bin.partial/kwok-stages" > "$dir/kwok-stages.yaml"
    mv "$dir/bin.partial" "$dir/bin"
    touch "$dir/.complete"
    log "build finished in $((SECONDS - start))s"
  fi
  printf '%s\n' "$dir/bin"
}

main "$@"
