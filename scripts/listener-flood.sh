#!/usr/bin/env bash
# The loopback listener under a flood (issue 13, item 7): 300 idle connections to a listener in
# a process limited to 256 file descriptors (prlimit --nofile=256). Prints the listener's CPU use
# while flooded and how long the real redirect took; fails when CPU >= 10% or the redirect takes
# 2 s or more. The same test runs in `cargo test`; this script shows its figures.
# usage: scripts/listener-flood.sh   (CARGO_TARGET_DIR is honoured)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v prlimit >/dev/null || { echo "prlimit (util-linux) is needed" >&2; exit 1; }
cargo test --locked -p tokenscope-core --test listener_flood -- --nocapture \
  a_flood_of_idle_connections_neither_spins_nor_delays_the_redirect 2>&1 |
  grep -E '^listener flood:|test result|panicked|FAILED'
