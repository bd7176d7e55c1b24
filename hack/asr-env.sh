#!/usr/bin/env bash
# The ASR runtime: a Python virtual environment with faster-whisper and
# CTranslate2, installed from PyPI with pip --require-hashes from the lock
# hack/asr/requirements.txt (see hack/asr/lock.sh). It lives under
# ~/.cache/nemo/asr-venv-<hash of the lock and the Python ABI>, is built once
# and reused: a warm run only hashes the lock and checks a stamp file.
# Prints the environment's python last on stdout (callers take that line);
# progress goes to stderr. NEMO_ASR_PYTHON, when set, is taken as is.
#
# Usage: hack/asr-env.sh            build if missing, print the python
#        PYTHON=python3.12 hack/asr-env.sh   with another interpreter
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [[ -n "${NEMO_ASR_PYTHON:-}" ]]; then
  echo "$NEMO_ASR_PYTHON"
  exit 0
fi

python=${PYTHON:-python3}
lock="$here/asr/requirements.txt"
abi=$("$python" -c 'import sys, platform; print(sys.implementation.cache_tag, platform.machine())')
hash=$( (cat "$lock" "$here/asr-env.sh"; echo "$abi") | sha256sum | cut -c1-16)
cache="${NEMO_CACHE_DIR:-$HOME/.cache/nemo}"
venv="$cache/asr-venv-$hash"
stamp="$venv/.nemo-complete"

if [[ ! -f $stamp ]]; then
  mkdir -p "$cache"
  # One builder at a time: parallel test workers and npm start may all ask.
  exec 9>"$cache/asr-venv-$hash.lock"
  flock 9
  if [[ ! -f $stamp ]]; then
    started=$SECONDS
    echo "Building the ASR runtime ($abi, lock $hash) in $venv" >&2
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" >&2; then
      echo "python3 -m venv failed; on Debian install python3-venv (hack/ensure-packages.sh does)" >&2
      exit 1
    fi
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input \
      --require-hashes --only-binary=:all: --no-deps \
      --cache-dir "$cache/pip" -r "$lock" >&2
    # The worker's imports, once, so a broken wheel fails here and not in a service.
    "$venv/bin/python" -c 'import ctranslate2, faster_whisper, numpy' >&2
    touch "$stamp"
    echo "Built the ASR runtime in $((SECONDS - started)) s" >&2
  fi
fi
echo "$venv/bin/python"
