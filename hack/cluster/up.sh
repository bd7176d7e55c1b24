#!/usr/bin/env bash
# Starts a real Kubernetes control plane for tests on loopback:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok
# (which plays the kubelets of the fake nodes in nodes.yaml).
#
# usage: up.sh [STATE_DIR]   (default: $NEMO_CLUSTER_DIR or ~/.cache/nemo/cluster)
#
# A state dir that already holds a healthy cluster is reused as it is. Every
# port is picked free at start, so clusters in different state dirs coexist.
# Progress goes to stderr; the last line on stdout is KUBECONFIG=<path>.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

READY_TIMEOUT=${NEMO_CLUSTER_READY_TIMEOUT:-120}
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1   # first address of SERVICE_CIDR: the `kubernetes` Service

STATE=""      # absolute state dir
BIN=""        # absolute dir holding the built binaries
STARTED=0     # set once processes may exist, so a failure cleans them up

ensure_tools() {
  local missing=()
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v flock >/dev/null || missing+=(util-linux)
  command -v setsid >/dev/null || missing+=(util-linux)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get"
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2
  fi
}

# free_ports N: N distinct loopback ports that were free a moment ago. All are
# held open together while choosing, so the answer has no duplicates.
free_ports() {
  local n=$1
  if command -v node >/dev/null; then
    node -e '
      const net = require("net"); const n = +process.argv[1]; const s = [];
      const next = () => {
        if (s.length === n) { console.log(s.map(x => x.address().port).join(" ")); s.forEach(x => x.close()); return; }
        const x = net.createServer(); s.push(x); x.listen(0, "127.0.0.1", next);
      };
      next();' "$n"
  elif command -v python3 >/dev/null; then
    python3 -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$n"
  else
    die "need node or python3 to pick free ports"
  fi
}

# --- certificates -----------------------------------------------------------

# sign NAME SUBJECT EXTENSIONS: key + certificate signed by the cluster CA.
sign() {
  local name=$1 subj=$2 ext=$3 d="$STATE/pki"
  openssl genrsa -out "$d/$name.key" 2048 2>/dev/null
  openssl req -new -key "$d/$name.key" -subj "$subj" -out "$d/$name.csr" 2>/dev/null
  openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
    -CAcreateserial -days 365 -sha256 -out "$d/$name.crt" \
    -extfile <(printf '%s\n' "$ext") 2>/dev/null
  rm -f "$d/$name.csr"
}

make_pki() {
  local d="$STATE/pki" client='basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth'
  mkdir -p "$d"
  openssl genrsa -out "$d/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$d/ca.key" -subj "/CN=nemo-test-ca" -days 365 \
    -sha256 -out "$d/ca.crt" \
    -addext 'basicConstraints=critical,CA:TRUE' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' 2>/dev/null

  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # system:masters bypasses RBAC: the admin user of a throwaway cluster.
  sign admin "/CN=nemo-admin/O=system:masters" "$client"
  # The controller-manager and scheduler use their real identities, so the
  # bootstrap RBAC roles apply to them exactly as in a real cluster.
  sign kube-controller-manager "/CN=system:kube-controller-manager" "$client"
  sign kube-scheduler "/CN=system:kube-scheduler" "$client"
  # kwok stands in for every kubelet; the Node authorizer would confine a
  # system:node identity to one node, so it runs as an admin instead.
  sign kwok "/CN=kwok-controller/O=system:masters" "$client"
  # The apiserver's identity towards aggregated API servers. Without the
  # requestheader settings the controller-manager and scheduler keep logging
  # that the extension-apiserver-authentication CA bundle is missing.
  sign front-proxy-client "/CN=front-proxy-client" "$client"

  # Service-account token signing pair (issuer key and verification key).
  openssl genrsa -out "$d/sa.key" 2048 2>/dev/null
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" 2>/dev/null
}

# write_kubeconfig FILE USER SERVER: a kubeconfig with the user's
# certificate embedded, so it works from anywhere that reaches the port.
write_kubeconfig() {
  local file=$1 user=$2 server=$3 d="$STATE/pki"
  cat >"$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: nemo
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$d/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$d/$user.crt")
    client-key-data: $(base64 -w0 "$d/$user.key")
contexts:
- name: nemo
  context:
    cluster: nemo
    user: $user
current-context: nemo
KUBECONFIG
  chmod 600 "$file"
}

# --- processes --------------------------------------------------------------

# The Go garbage collector's target (GOGC) for every component. While the
# operator benchmark creates 100 platforms, the API server spent 15% of its
# CPU marking at the default (100) and 5% at 400; this cluster is disposable
# and memory plentiful, so collecting less often buys CPU for the work itself.
CONTROL_PLANE_GOGC=${NEMO_CLUSTER_GOGC:-400}

# start NAME ARGS...: runs bin/NAME detached from this shell (its own session,
# so Ctrl-C on the caller does not take it down), logging to logs/NAME.log.
# fd 8 (the state dir lock) is closed for it: a long-lived component holding
# the lock would make every later `up` on this state dir wait forever.
start() {
  local name=$1; shift
  GOGC="$CONTROL_PLANE_GOGC" setsid "$BIN/$name" "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null 8>&- &
  echo "$!" >"$STATE/pids/$name.pid"
  log "started $name (pid $!)"
}

# running NAME: the component this script started is still alive. During
# startup it is judged by its pid, not by pid_of's command-line match: while
# the kernel execs setsid's target (a 100+ MB binary) /proc/PID/cmdline reads
# empty, and a check landing in that window took a live component for dead.
# The pid cannot have been recycled yet; it was handed out seconds ago.
running() {
  local pid
  { pid=$(<"$STATE/pids/$1.pid"); } 2>/dev/null || return 1
  alive "$pid"
}

# fail_component NAME: reports a component that died, with its log tail.
fail_component() {
  local name=$1
  log "$name exited during startup; last 40 lines of $STATE/logs/$name.log:"
  tail -n 40 "$STATE/logs/$name.log" >&2 || true
  exit 1
}

# wait_until NAME DESCRIPTION COMMAND...: polls COMMAND until it succeeds,
# failing fast if component NAME dies, or after READY_TIMEOUT seconds.
wait_until() {
  local name=$1 what=$2; shift 2
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    running "$name" || fail_component "$name"
    if ((SECONDS > deadline)); then
      log "timed out after ${READY_TIMEOUT}s waiting for $what; last 40 lines of $name.log:"
      tail -n 40 "$STATE/logs/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.3
  done
  log "$what"
}

# https_ok URL [CURL_ARGS...]: 200 from a TLS endpoint signed by our CA.
https_ok() {
  local url=$1; shift
  curl -fsS --max-time 3 --cacert "$STATE/pki/ca.crt" "$@" "$url"
}

# local_healthz PORT: /healthz of the controller-manager or scheduler. They
# serve a self-signed certificate of their own, so it is not verified; the
# port is on loopback and was handed out by this script.
local_healthz() {
  curl -fsSk --max-time 3 "https://127.0.0.1:$1/healthz"
}

admin_get() {
  https_ok "https://127.0.0.1:$(<"$STATE/ports/apiserver")$1" \
    --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key"
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/kubeconfig" "$@"; }

# --- cluster ----------------------------------------------------------------

healthy() {
  local c
  [[ -s "$STATE/kubeconfig" && -f "$STATE/.ready" ]] || return 1
  for c in "${COMPONENTS[@]}"; do pid_of "$STATE" "$c" >/dev/null || return 1; done
  admin_get /readyz >/dev/null 2>&1
}

start_etcd() {
  local client=$1 peer=$2
  # No fsync: the data is disposable, and fsync dominates etcd latency on
  # slow disks.
  start etcd --name=nemo --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$client" \
    --advertise-client-urls="http://127.0.0.1:$client" \
    --listen-peer-urls="http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls="http://127.0.0.1:$peer" \
    --initial-cluster="nemo=http://127.0.0.1:$peer" \
    --unsafe-no-fsync --log-level=warn
  wait_until etcd "etcd ready on :$client" curl -fsS --max-time 2 "http://127.0.0.1:$client/health"
}

start_apiserver() {
  local port=$1 etcd=$2 d="$STATE/pki"
  # The endpoint reconciler is off because Endpoints may not hold a loopback
  # address, and nothing in-cluster needs the `kubernetes` Service anyway.
  start kube-apiserver \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
    --etcd-servers="http://127.0.0.1:$etcd" \
    --tls-cert-file="$d/apiserver.crt" --tls-private-key-file="$d/apiserver.key" \
    --client-ca-file="$d/ca.crt" \
    --requestheader-client-ca-file="$d/ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$d/front-proxy-client.crt" \
    --proxy-client-key-file="$d/front-proxy-client.key" \
    --authorization-mode=Node,RBAC \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer="https://127.0.0.1:$port" \
    --service-account-key-file="$d/sa.pub" \
    --service-account-signing-key-file="$d/sa.key" \
    --endpoint-reconciler-type=none \
    --allow-privileged=true \
    --audit-policy-file="$CLUSTER_DIR/audit-policy.yaml" \
    --audit-log-path="$STATE/audit.log" --audit-log-format=json --audit-log-maxsize=50 \
    --profiling=false
  wait_until kube-apiserver "kube-apiserver ready on :$port" admin_get /readyz
}

# Client-side rate limits off for the controller-manager and scheduler, as
# kwokctl's --disable-qps-limits does: their defaults (20 and 50 requests/s
# per client) exist to protect a shared production API server, and here they,
# not CPU, would pace every Deployment's ReplicaSet and Pods. kwok itself
# runs unthrottled.
UNLIMITED_QPS=5000
UNLIMITED_BURST=10000

start_controller_manager() {
  local port=$1 d="$STATE/pki" kc="$STATE/kubeconfigs/kube-controller-manager"
  # --use-service-account-credentials gives each controller its own RBAC
  # identity, as in production; --root-ca-file publishes kube-root-ca.crt,
  # which the projected service-account volume of every Pod refers to.
  start kube-controller-manager \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$port" \
    --controllers='*' --use-service-account-credentials=true \
    --service-account-private-key-file="$d/sa.key" --root-ca-file="$d/ca.crt" \
    --cluster-signing-cert-file="$d/ca.crt" --cluster-signing-key-file="$d/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --kube-api-qps="$UNLIMITED_QPS" --kube-api-burst="$UNLIMITED_BURST" \
    --leader-elect=false --profiling=false
}

start_scheduler() {
  local port=$1 kc="$STATE/kubeconfigs/kube-scheduler"
  start kube-scheduler \
    --kubeconfig="$kc" --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
    --bind-address=127.0.0.1 --secure-port="$port" \
    --kube-api-qps="$UNLIMITED_QPS" --kube-api-burst="$UNLIMITED_BURST" \
    --leader-elect=false --profiling=false
}

start_kwok() {
  # Only nodes annotated kwok.x-k8s.io/node=fake are faked; the stages file
  # (node heartbeats, pods becoming Running) is generated from the kwok
  # module by build.sh. The CIDR/IP are fake and never contacted.
  start kwok --kubeconfig="$STATE/kubeconfigs/kwok" \
    --config="$(dirname "$BIN")/kwok-stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --manage-nodes-with-label-selector= \
    --disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom \
    --cidr=10.0.0.1/24 --node-ip=10.0.0.1 \
    --node-lease-duration-seconds=40
}

# The service-account admission plugin refuses Pods until the namespace's
# `default` ServiceAccount exists; the controller-manager creates it.
wait_default_service_account() {
  wait_until kube-controller-manager "default ServiceAccount exists" \
    kubectl_admin get serviceaccount default --namespace default
}

wait_nodes_ready() {
  wait_until kwok "fake nodes Ready" \
    kubectl_admin wait --for=condition=Ready node --all --timeout=2s
}

cleanup_on_failure() {
  local rc=$?
  if ((rc != 0 && STARTED)); then
    log "startup failed; stopping what was started (logs kept in $STATE/logs)"
    stop_all "$STATE"
  fi
}

main() {
  STATE=$(abs_dir "${1:-$(default_state_dir)}")
  ensure_tools
  # One `up` at a time per state dir; other dirs proceed independently.
  exec 8>"$STATE/.lock"
  flock 8

  BIN=$(abs_dir "$("$CLUSTER_DIR/build.sh")")

  if healthy; then
    log "reusing running cluster in $STATE"
    printf 'KUBECONFIG=%s\n' "$STATE/kubeconfig"
    return
  fi

  local start_time=$SECONDS
  # Anything left from an earlier, unhealthy cluster is discarded.
  stop_all "$STATE"
  rm -rf "$STATE"/{etcd,pki,logs,pids,ports,kubeconfigs,kubeconfig,.ready}
  mkdir -p "$STATE"/{logs,pids,ports,kubeconfigs}
  trap cleanup_on_failure EXIT
  STARTED=1

  local ports; read -r -a ports <<<"$(free_ports 5)"
  local etcd_client=${ports[0]} etcd_peer=${ports[1]} api=${ports[2]}
  local kcm=${ports[3]} sched=${ports[4]}
  echo "$api" >"$STATE/ports/apiserver"
  local server="https://127.0.0.1:$api"

  make_pki
  write_kubeconfig "$STATE/kubeconfig" admin "$server"
  local c
  for c in kube-controller-manager kube-scheduler kwok; do
    write_kubeconfig "$STATE/kubeconfigs/$c" "$c" "$server"
  done

  start_etcd "$etcd_client" "$etcd_peer"
  start_apiserver "$api" "$etcd_client"
  start_controller_manager "$kcm"
  start_scheduler "$sched"
  start_kwok
  wait_until kube-controller-manager "kube-controller-manager healthy on :$kcm" \
    local_healthz "$kcm"
  wait_until kube-scheduler "kube-scheduler healthy on :$sched" \
    local_healthz "$sched"

  kubectl_admin apply -f "$CLUSTER_DIR/nodes.yaml" >&2
  wait_nodes_ready
  wait_default_service_account
  running kwok || fail_component kwok

  touch "$STATE/.ready"
  log "cluster ready in $((SECONDS - start_time))s (state: $STATE)"
  printf 'KUBECONFIG=%s\n' "$STATE/kubeconfig"
}

main "$@"
