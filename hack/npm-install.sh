#!/usr/bin/env bash
# `npm ci`, skipped when node_modules already matches package-lock.json.
# npm's download cache lives under ~/.cache/nemo/npm so warm runs stay offline.
set -euo pipefail
cd "$(dirname "$0")/.."

# The faiss-node patches are part of what node_modules holds (its addon).
hash=$(cat package-lock.json hack/faiss-node/*.patch | sha256sum | cut -c1-16)
stamp=node_modules/.nemo-lock-$hash
[[ -f $stamp ]] && exit 0

cache="$HOME/.cache/nemo/npm"
# faiss-node's own install script downloads from GitHub; give it a cached
# prebuild made from Debian's libfaiss instead (see the script).
bash hack/faiss-node/prebuild.sh "$cache"
echo "Installing npm dependencies (package-lock $hash)" >&2
npm ci --cache "$cache" --prefer-offline --no-audit --no-fund --loglevel=error
touch "$stamp"
