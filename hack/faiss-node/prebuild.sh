#!/usr/bin/env bash
# Builds faiss-node's native addon against Debian's libfaiss-dev and puts it
# where prebuild-install looks first: npm's cache (`<cache>/_prebuilds`).
#
# Why: faiss-node's install script downloads a prebuilt binary from GitHub
# and, failing that, clones faiss from GitHub. Neither is reachable here. With
# the tarball in the cache, its install script finds a "cached prebuild" and
# `npm ci` works offline. See docs/adr/0005-faiss-node-offline-build.md.
#
# usage: prebuild.sh NPM_CACHE_DIR
set -euo pipefail

VERSION=0.5.1        # keep in step with services/*/package.json
NAPI=8               # highest N-API version faiss-node declares; Node 20 has 9
CACHE=${1:?npm cache dir}
HERE=$(cd "$(dirname "$0")" && pwd)

url="https://github.com/ewfian/faiss-node/releases/download/v${VERSION}/faiss-node-v${VERSION}-napi-v${NAPI}-linux-x64.tar.gz"
# prebuild-install's cache key: the first 6 hex digits of sha512(url).
digest=$(printf '%s' "$url" | sha512sum | cut -c1-6)
target="$CACHE/_prebuilds/${digest}-$(basename "$url")"
# The tarball's name is fixed by prebuild-install, so a stamp beside it records
# which patches built it; changing a patch rebuilds.
patches_key=$(cat "$HERE"/*.patch "$HERE/prebuild.sh" | sha256sum | cut -c1-16)
[[ -s $target && "$(cat "$target.key" 2>/dev/null)" == "$patches_key" ]] && exit 0

echo "Building faiss-node ${VERSION} against the system libfaiss (once; cached in $target)" >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "faiss-node@${VERSION}" >/dev/null
tar -xzf "faiss-node-${VERSION}.tgz"
cd package
for p in "$HERE"/*.patch; do patch -p1 --quiet <"$p"; done
# Only the headers are needed from node-addon-api; nothing here runs install scripts.
npm install --silent --no-save --ignore-scripts --no-audit --no-fund "node-addon-api@6.1.0" >/dev/null

node_include="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/include/node"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_JS_INC="$node_include" >/dev/null
cmake --build build --parallel 2 >/dev/null

# The layout prebuild-install unpacks: build/Release/<name>.node
mkdir -p stage/build/Release
cp build/faiss-node.node stage/build/Release/
mkdir -p "$(dirname "$target")"
tar -czf "$target.tmp" -C stage build
mv "$target.tmp" "$target"
echo "$patches_key" >"$target.key"
echo "Built faiss-node addon: $target" >&2
