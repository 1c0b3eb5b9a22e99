#!/usr/bin/env bash
# The benchmark (README, "Benchmark"): what users feel, each against a baseline measured in the
# same run. Builds what it needs in release mode, installs missing tools, runs every measure and
# prints the table, also written to target/bench/report.md. Not part of scripts/test.sh or CI.
#
#   scripts/bench.sh                 # everything (about 10 minutes after the builds)
#   TOKENSCOPE_BENCH_RUNS=5 scripts/bench.sh     # fewer repetitions
#   scripts/bench.sh --no-build      # measure the binaries already in target/release
#
# Measures (harness: bench/harness, its own workspace under bench/ so CI never builds it):
#   1. redirect -> validated tokens in the engine, vs the token and JWKS requests alone
#   2. `tokenscope decode --json` vs `jwt decode` (jwt-cli) with hyperfine; criterion in-process
#   3. start-up to the first screen painted, vs an empty Tauri 2 window (bench/empty-window)
#   4. PSS of the app and its WebKit processes 10 s after a sign-in, vs the empty window
#   5. sizes of the release binary and the .deb
#   6. the token view of a 500-claim token rendered in the real window
#   7. user-flow tests (scripts/bench-flowtest.sh): per case vs one signin, --jobs 4 vs --jobs 1
#   8. `tokenscope call --token-file` vs curl on the same API request
#   4d. memory after 100 sign-ins and refreshes in one window (growth from the 10th)
# 3, 4 and 6 run under Xvfb with a private keyring (scripts/with-keyring.sh); the window reports
# its own timings through a probe that exists only when TOKENSCOPE_BENCH_REPORT is set.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=$repo/target/bench
runs=${TOKENSCOPE_BENCH_RUNS:-10}
build=1
[[ ${1:-} == --no-build ]] && build=0

say() { printf '[bench] %s\n' "$*" >&2; }

# The window measures, app and empty window alternated. Runs inside the display and keyring
# set up below (scripts/bench.sh --windows calls it there; xvfb-run's sh drops bash functions).
window_runs() {
  local i
  "$harness" keyring --runs 10 --out "$out/keyring.json"
  # The app draws on the CPU (src-tauri/src/rendering.rs). Beside the plain empty window, the
  # empty window drawing that way too (WEBKIT_DISABLE_COMPOSITING_MODE=1) and the app with
  # WebKit's default GPU compositing are measured, as reported rows.
  for ((i = 0; i < runs; i++)); do
    "$harness" window --app "$empty" --scenario startup --runs 1 --append --out "$out/startup-empty.json"
    "$harness" window --app "$app" --scenario startup --runs 1 --append --out "$out/startup-app.json"
    WEBKIT_DISABLE_COMPOSITING_MODE=1 "$harness" window --app "$empty" --scenario startup --runs 1 \
      --append --out "$out/startup-empty-cpu.json"
    TOKENSCOPE_GPU_COMPOSITING=1 "$harness" window --app "$app" --scenario startup --runs 1 \
      --append --out "$out/startup-app-gpu.json"
  done
  "$harness" window --app "$app" --scenario "render:$out/tokens/claims500.jwt" --runs 3 \
    --out "$out/render-app.json"
  "$harness" window --app "$app" --scenario "render:$out/tokens/b2c.jwt" --runs 3 \
    --out "$out/render-b2c.json"
  "$harness" window --app "$app" --scenario cycles --cycles 100 --runs 1 \
    --out "$out/memory-cycles.json"
  for ((i = 0; i < 3; i++)); do
    "$harness" window --app "$empty" --scenario idle --idle 10 --runs 1 --append --out "$out/memory-empty.json"
    "$harness" window --app "$app" --scenario signin --idle 10 --runs 1 --append --out "$out/memory-app.json"
    WEBKIT_DISABLE_COMPOSITING_MODE=1 "$harness" window --app "$empty" --scenario idle --idle 10 \
      --runs 1 --append --out "$out/memory-empty-cpu.json"
    TOKENSCOPE_GPU_COMPOSITING=1 "$harness" window --app "$app" --scenario signin --idle 10 \
      --runs 1 --append --out "$out/memory-app-gpu.json"
  done
}
if [[ ${1:-} == --windows ]]; then
  window_runs
  exit
fi

# 0. Tools. hyperfine from Debian; jwt-cli compiled from crates.io into target/tools.
if ! command -v hyperfine >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    say "apt-get install hyperfine"
    apt-get install -y --no-install-recommends hyperfine >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends hyperfine >&2; }
  else
    say "hyperfine is missing: run 'apt-get install hyperfine' as root"
    exit 127
  fi
fi
source scripts/require-installed.sh
require_installed xvfb-run xauth dbus-run-session gnome-keyring-daemon curl node
jwt=$repo/target/tools/bin/jwt
if [[ ! -x $jwt ]]; then
  say "cargo install jwt-cli into target/tools"
  cargo install jwt-cli --locked --root "$repo/target/tools" >&2
fi

# The baseline window must be built exactly like the app.
profile() { sed -n '/^\[profile\.release\]/,/^\[/p' "$1" | grep -v '^\[' | grep -v '^#' | grep -v '^$' || true; }
if [[ $(profile Cargo.toml) != "$(profile bench/Cargo.toml)" ]]; then
  say "[profile.release] differs between Cargo.toml and bench/Cargo.toml: make them equal"
  exit 1
fi

# 1. Builds, all release: the app and its .deb (the Tauri bundler, as scripts/package.sh), the
# command line, the harness and the empty window (target/ shared with the workspace).
bench_cargo=(cargo --quiet --locked)
if ((build)); then
  say "building the UI, the app and its .deb (release)"
  scripts/build-ui.sh
  (cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb --ci >&2)
  say "building the command line, the harness and the empty window (release)"
  cargo build --locked --release -p tokenscope-cli >&2
  "${bench_cargo[@]}" build --release --manifest-path bench/Cargo.toml --target-dir target \
    -p tokenscope-bench -p tokenscope-bench-empty-window >&2
fi
app=$repo/target/release/tokenscope-desktop
cli=$repo/target/release/tokenscope
empty=$repo/target/release/tokenscope-bench-empty-window
harness=$repo/target/release/tokenscope-bench
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
for bin in "$app" "$cli" "$empty" "$harness"; do
  [[ -x $bin ]] || { say "$bin is missing: run without --no-build"; exit 1; }
done

rm -rf "$out"
mkdir -p "$out/tokens"

# 2. The tokens: a typical B2C ID token, a 60 KiB one, one with 500 claims.
"$harness" tokens "$out/tokens" >&2

# 3. Redirect -> validated tokens (engine, no window).
say "1. redirect -> validated tokens ($runs sign-ins)"
"$harness" signin --runs "$runs" --out "$out/signin.json" >&2

# 3b. User-flow tests (`tokenscope test`): per case against one plain signin, --jobs 4 vs 1.
say "1b. user-flow tests: per case vs signin, --jobs 4 vs --jobs 1"
scripts/bench-flowtest.sh "$cli" "$out" "$runs" >&2

# 3c. (measure 8) An API call with a pasted token: `tokenscope call --token-file` vs curl.
say "8. tokenscope call vs curl, the same request"
"$harness" call --cli "$cli" --runs "$runs" --out "$out/call.json" >&2

# 4. Decode: whole processes, then in-process.
say "2. decode: tokenscope vs jwt-cli (hyperfine)"
for t in b2c big; do
  token=$(cat "$out/tokens/$t.jwt")
  hyperfine -N --warmup 5 --runs $((runs * 5)) --style basic \
    --export-json "$out/decode-$t.json" \
    -n "tokenscope decode --json ($t)" "$cli decode --json $token" \
    -n "jwt decode --json ($t)" "$jwt decode --json $token" >&2
done
say "2. decode + explain in process (criterion)"
TOKENSCOPE_BENCH_TOKENS=$out/tokens CRITERION_HOME=$out/criterion \
  "${bench_cargo[@]}" bench --manifest-path bench/Cargo.toml --target-dir target \
  -p tokenscope-bench --bench decode -- --warm-up-time 1 --measurement-time 3 >&2

# 5. The window measures, app and empty window alternated, under Xvfb with a private keyring.
say "3, 4, 6: start-up, memory and the token view in real windows (Xvfb)"
export runs out app empty harness
xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$repo/scripts/bench.sh" --windows >&2

# 6. The report.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
webkit=$(dpkg-query -W -f '${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')
machine="$cpu, $(nproc) cores, $mem, $os, kernel $(uname -r), WebKitGTK $webkit, $(rustc --version)"
"$harness" report --dir "$out" --out "$out/report.md" --criterion "$out/criterion" \
  --binary "$app" --deb "${deb:-missing.deb}" --machine "$machine"
{ printf '\n## User-flow tests (`tokenscope test`)\n\n'; cat "$out/flowtest.md"; } >>"$out/report.md"
say "report written to target/bench/report.md"
