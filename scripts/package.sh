#!/usr/bin/env bash
# Builds the release binary and the .deb package with the Tauri bundler (the CLI from npm ships
# its own binary; nothing is downloaded at build time). Output:
#   target/release/tokenscope-desktop
#   target/release/bundle/deb/Tokenscope_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
scripts/build-ui.sh
cd src-tauri
../ui/node_modules/.bin/tauri build --bundles deb --ci "$@"
ls -l ../target/release/tokenscope-desktop ../target/release/bundle/deb/*.deb
