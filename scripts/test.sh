#!/usr/bin/env bash
# Installs what is missing, then runs every check and test: the UI's type check, lint and unit
# tests, actionlint on the GitHub workflows, cargo fmt and clippy, the test provider's self-test, all Rust tests (including those
# against the real test provider, headless Chromium and a real keyring), and the desktop app's
# end-to-end tests under Xvfb. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }

scripts/install.sh

step "UI: npm ci and build (the desktop binary embeds ui/dist)"
scripts/build-ui.sh
step "UI: svelte-check"
npm --prefix ui run --silent check
step "UI: eslint"
npm --prefix ui run --silent lint
step "UI: vitest"
npm --prefix ui run --silent test

step "actionlint (.github/workflows)"
target/tools/actionlint/bin/actionlint
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo check of the benchmark (bench/, its own workspace: built here so it cannot rot)"
cargo check --locked --manifest-path bench/Cargo.toml --target-dir target -p tokenscope-bench --all-targets
step "test provider self-test"
node tests/idp/selftest.mjs
step "cargo test (with a real keyring)"
scripts/with-keyring.sh cargo test --workspace --locked -- --include-ignored
step "desktop end-to-end tests"
scripts/e2e.sh
step "all passed"
