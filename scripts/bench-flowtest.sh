#!/usr/bin/env bash
# The user-flow tests' benchmark (scripts/bench.sh runs it; it runs alone too):
#   - a 20-case test file on the test provider's no-page policy (B2C_1_auto, curl as the
#     browser): the time per case of `tokenscope test --jobs 1` against one plain
#     `tokenscope signin` of the same policy (target: at most 1.2x);
#   - the same file with --jobs 4 against --jobs 1 (target: at least 2.5x faster), twice:
#     with the provider answering at once on loopback, where the CPU is the limit (the row
#     reports the ceiling this machine allows: --jobs 1's time over the larger of the
#     provider's CPU time, one thread, and everyone's CPU time over the cores), and with the
#     provider waiting LATENCY ms before each answer (default 100), like a tenant across the
#     internet, where waiting dominates as it does for users.
# usage: scripts/bench-flowtest.sh CLI OUT_DIR RUNS
# Writes OUT_DIR/flowtest.md (a table) and OUT_DIR/flowtest-*.json (hyperfine's figures).
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:?usage: bench-flowtest.sh CLI OUT_DIR RUNS}
out=${2:?usage: bench-flowtest.sh CLI OUT_DIR RUNS}
runs=${3:-10}
cases=20
say() { printf '[bench-flowtest] %s\n' "$*" >&2; }
mkdir -p "$out"

latency=${TOKENSCOPE_BENCH_LATENCY:-100}
cores=$(nproc)
config=$(mktemp -d)
idp=
trap 'kill "$idp" 2>/dev/null || true; rm -rf "$config"' EXIT
export TOKENSCOPE_CONFIG_DIR=$config
browser="curl -sS -L -o /dev/null --max-time 20"

# start_idp LATENCY: (re)starts the test provider; sets idp, authority, client, file.
start_idp() {
  [[ -n $idp ]] && { kill "$idp" 2>/dev/null || true; wait "$idp" 2>/dev/null || true; }
  local log=$config/idp.log
  : >"$log"
  node tests/idp/server.mjs --port 0 --latency "$1" >"$log" 2>/dev/null < <(sleep infinity) &
  idp=$!
  for _ in $(seq 150); do [[ -s $log ]] && break; sleep 0.1; done
  local ready
  ready=$(head -n1 "$log")
  [[ -n $ready ]] || { say "the test provider did not start"; exit 1; }
  field() { node -e 'const r=JSON.parse(process.argv[1]); console.log(r[process.argv[2]])' "$ready" "$1"; }
  local base tenant
  base=$(field base); tenant=$(field tenant); client=$(field client_id)
  authority="$base/$tenant/B2C_1_auto/v2.0/.well-known/openid-configuration"
  file=$config/bench.tokenscope.toml
  {
    printf '[defaults]\nauthority = "%s"\nclient_id = "%s"\nscope = "offline_access"\n' "$authority" "$client"
    printf 'driver = "browser"\nbrowser = "%s"\n' "$browser"
    for i in $(seq "$cases"); do
      printf '[[case]]\nname = "case %d"\n[case.expect]\nclaims.tfp = "B2C_1_auto"\n' "$i"
    done
  } >"$file"
  "$cli" test "$file" >/dev/null || { say "the benchmark file does not pass"; exit 1; }
}

# CPU seconds a process has used (user + system), from /proc.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"; }

start_idp 0
say "one plain signin vs a $cases-case file, --jobs 1 and --jobs 4 ($runs runs each)"
hyperfine -N --warmup 2 --runs "$runs" --style basic --export-json "$out/flowtest-signin.json" \
  -n "signin" "$cli signin --authority $authority --client-id $client --scope offline_access --browser '$browser' --no-store --timeout 30" >&2
hyperfine -N --warmup 1 --runs "$runs" --style basic --export-json "$out/flowtest-jobs.json" \
  -n "test --jobs 1" "$cli test $file --jobs 1" \
  -n "test --jobs 4" "$cli test $file --jobs 4" >&2
# Where --jobs 1's time goes: the provider's CPU (one thread) and the CLI's with its browsers.
before=$(cpu_of "$idp")
/usr/bin/time -f '%e %U %S' -o "$config/time" "$cli" test "$file" --jobs 1 >/dev/null
after=$(cpu_of "$idp")
read -r wall user sys <"$config/time"
printf '{"wall": %s, "cli_user": %s, "cli_sys": %s, "provider_before": %s, "provider_after": %s, "cores": %s}\n' \
  "$wall" "$user" "$sys" "$before" "$after" "$cores" >"$out/flowtest-cpu.json"

start_idp "$latency"
say "the same file, the provider answering after $latency ms ($runs runs each)"
hyperfine -N --warmup 1 --runs "$runs" --style basic --export-json "$out/flowtest-latency.json" \
  -n "test --jobs 1" "$cli test $file --jobs 1" \
  -n "test --jobs 4" "$cli test $file --jobs 4" >&2

node - "$out" "$cases" "$latency" <<'JS'
const fs = require('fs');
const [out, cases, latency] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const read = (f) => JSON.parse(fs.readFileSync(`${out}/${f}`, 'utf8')).results;
const [signin] = read('flowtest-signin.json');
const [one, four] = read('flowtest-jobs.json');
const [oneL, fourL] = read('flowtest-latency.json');
const raw = JSON.parse(fs.readFileSync(`${out}/flowtest-cpu.json`, 'utf8'));
const cpu = {
  wall: raw.wall, cores: raw.cores,
  cli_cpu: raw.cli_user + raw.cli_sys, provider_cpu: raw.provider_after - raw.provider_before,
};
const ms = (s) => (s * 1000).toFixed(1);
const perCase = one.median / cases;
const ratio = perCase / signin.median;
const speedup = one.median / four.median;
const speedupL = oneL.median / fourL.median;
// No schedule beats the provider's single thread or all the CPU work spread over every core.
const floor = Math.max(cpu.provider_cpu, (cpu.provider_cpu + cpu.cli_cpu) / cpu.cores);
const ceiling = cpu.wall / floor;
const rows = [
  '| measure | median | min | max | baseline | ratio | target | |',
  '|---|---|---|---|---|---|---|---|',
  `| user-flow test, per case (${cases}-case file, --jobs 1, B2C_1_auto, curl) | ${ms(perCase)} ms | ${ms(one.min / cases)} ms | ${ms(one.max / cases)} ms | one \`signin\`: ${ms(signin.median)} ms | ${ratio.toFixed(2)}x | ≤ 1.2x | ${ratio <= 1.2 ? 'pass' : 'MISS'} |`,
  `| user-flow test, --jobs 4 vs --jobs 1, provider answering after ${latency} ms (${cases} cases) | ${ms(fourL.median)} ms | ${ms(fourL.min)} ms | ${ms(fourL.max)} ms | --jobs 1: ${ms(oneL.median)} ms | ${speedupL.toFixed(2)}x faster | ≥ 2.5x | ${speedupL >= 2.5 ? 'pass' : 'MISS'} |`,
  `| user-flow test, --jobs 4 vs --jobs 1, provider answering at once (${cases} cases) | ${ms(four.median)} ms | ${ms(four.min)} ms | ${ms(four.max)} ms | --jobs 1: ${ms(one.median)} ms | ${speedup.toFixed(2)}x faster | reported: CPU-bound, ceiling ${ceiling.toFixed(2)}x here (--jobs 1 ${cpu.wall.toFixed(2)} s; CPU: provider ${cpu.provider_cpu.toFixed(2)} s on one thread, CLI and curl ${cpu.cli_cpu.toFixed(2)} s; ${cpu.cores} cores) | |`,
];
fs.writeFileSync(`${out}/flowtest.md`, `${rows.join('\n')}\n`);
console.log(rows.join('\n'));
JS
