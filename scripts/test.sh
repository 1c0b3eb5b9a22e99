#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: formatting, clippy, and all tests,
# including those against the real test provider (oidc-provider), headless Chromium and a real
# keyring (gnome-keyring in a private D-Bus session). This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== test provider self-test"
node tests/idp/selftest.mjs
echo "== cargo test (with a real keyring)"
scripts/with-keyring.sh cargo test --workspace --locked -- --include-ignored
