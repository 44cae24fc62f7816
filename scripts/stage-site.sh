#!/usr/bin/env bash
# Usage: scripts/stage-site.sh DIR — lays out the demo site the emulator serves: the demo page's files
# and the built package under pkg/, as symlinks so an edit to www-demo/ shows on reload.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
rm -rf "$dir" && mkdir -p "$dir"
for f in www-demo/*; do ln -s "$PWD/$f" "$dir/$(basename "$f")"; done
ln -s "$PWD/pkg" "$dir/pkg"
