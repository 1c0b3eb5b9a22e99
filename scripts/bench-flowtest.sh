#!/usr/bin/env bash
# The user-flow tests' benchmark (scripts/bench.sh runs it; it runs alone too):
#   - a 20-case test file on the test provider's no-page policy (B2C_1_auto, curl as the
#     browser): the time per case of `tokenscope test --jobs 1` against one plain
#     `tokenscope signin` of the same policy (target: at most 1.2x);
#   - the same file with --jobs 4 against --jobs 1 (target: at least 2.5x faster).
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

log=$(mktemp)
config=$(mktemp -d)
node tests/idp/server.mjs --port 0 >"$log" 2>/dev/null < <(sleep infinity) &
idp=$!
trap 'kill "$idp" 2>/dev/null || true; rm -rf "$log" "$config"' EXIT
for _ in $(seq 150); do [[ -s $log ]] && break; sleep 0.1; done
ready=$(head -n1 "$log")
[[ -n $ready ]] || { say "the test provider did not start"; exit 1; }
field() { node -e 'const r=JSON.parse(process.argv[1]); console.log(r[process.argv[2]])' "$ready" "$1"; }
base=$(field base); tenant=$(field tenant); client=$(field client_id)
authority="$base/$tenant/B2C_1_auto/v2.0/.well-known/openid-configuration"
browser="curl -sS -L -o /dev/null --max-time 20"

file=$config/bench.tokenscope.toml
{
  printf '[defaults]\nauthority = "%s"\nclient_id = "%s"\nscope = "offline_access"\n' "$authority" "$client"
  printf 'driver = "browser"\nbrowser = "%s"\n' "$browser"
  for i in $(seq "$cases"); do
    printf '[[case]]\nname = "case %d"\n[case.expect]\nclaims.tfp = "B2C_1_auto"\n' "$i"
  done
} >"$file"

export TOKENSCOPE_CONFIG_DIR=$config
"$cli" test "$file" >/dev/null || { say "the benchmark file does not pass"; exit 1; }

say "one plain signin vs a $cases-case file, --jobs 1 and --jobs 4 ($runs runs each)"
hyperfine -N --warmup 2 --runs "$runs" --style basic --export-json "$out/flowtest-signin.json" \
  -n "signin" "$cli signin --authority $authority --client-id $client --scope offline_access --browser '$browser' --no-store --timeout 30" >&2
hyperfine -N --warmup 1 --runs "$runs" --style basic --export-json "$out/flowtest-jobs.json" \
  -n "test --jobs 1" "$cli test $file --jobs 1" \
  -n "test --jobs 4" "$cli test $file --jobs 4" >&2

node - "$out" "$cases" <<'JS'
const fs = require('fs');
const [out, cases] = [process.argv[2], Number(process.argv[3])];
const read = (f) => JSON.parse(fs.readFileSync(`${out}/${f}`, 'utf8')).results;
const [signin] = read('flowtest-signin.json');
const [one, four] = read('flowtest-jobs.json');
const ms = (s) => (s * 1000).toFixed(1);
const perCase = one.median / cases;
const ratio = perCase / signin.median;
const speedup = one.median / four.median;
const rows = [
  '| measure | median | min | max | baseline | ratio | target | |',
  '|---|---|---|---|---|---|---|---|',
  `| user-flow test, per case (${cases}-case file, --jobs 1, B2C_1_auto, curl) | ${ms(perCase)} ms | ${ms(one.min / cases)} ms | ${ms(one.max / cases)} ms | one \`signin\`: ${ms(signin.median)} ms | ${ratio.toFixed(2)}x | ≤ 1.2x | ${ratio <= 1.2 ? 'pass' : 'MISS'} |`,
  `| user-flow test, --jobs 4 vs --jobs 1 (${cases} cases) | ${ms(four.median)} ms | ${ms(four.min)} ms | ${ms(four.max)} ms | --jobs 1: ${ms(one.median)} ms | ${speedup.toFixed(2)}x faster | ≥ 2.5x | ${speedup >= 2.5 ? 'pass' : 'MISS'} |`,
];
fs.writeFileSync(`${out}/flowtest.md`, `${rows.join('\n')}\n`);
console.log(rows.join('\n'));
JS
