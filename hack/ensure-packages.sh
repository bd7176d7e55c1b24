#!/usr/bin/env bash
# Installs the Debian packages the tests and local mode run for real
# (PostgreSQL, Redis, openssl for the control plane's certificates, FAISS and
# a C++ toolchain for faiss-node's addon, espeak-ng and sox for synthesized
# speech, python3-venv for the ASR runtime), only when one is missing, so a
# warm machine pays nothing.
set -euo pipefail

PACKAGES=(postgresql redis-server openssl curl libfaiss-dev libopenblas-dev cmake g++ make patch espeak-ng sox unzip chromium
  python3-venv)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d 101 stops the packages from starting system-wide servers: the
# project starts its own, on free ports, and needs none running.
policy=/usr/sbin/policy-rc.d
[[ -e $policy ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; trap 'rm -f "$policy"' EXIT; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
