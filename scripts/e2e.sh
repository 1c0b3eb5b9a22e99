#!/usr/bin/env bash
# End-to-end tests of the desktop app, as a person uses it: the real debug binary under Xvfb,
# driven through tauri-driver + WebKitWebDriver (WebdriverIO), with a real keyring
# (gnome-keyring in a private D-Bus session, scripts/with-keyring.sh), the real test provider
# (tests/idp, started by the tests) and headless Chromium as the browser.
#
#   scripts/e2e.sh                         # build what is needed, then run tests/e2e
#   scripts/e2e.sh --screenshots           # also refresh the README's docs/screenshots/*.png
#   scripts/e2e.sh --no-build              # test the binary already in target/debug as it is
#   scripts/e2e.sh -- --test-name-pattern=inspector   # extra arguments go to `node --test`
#
# Needs scripts/install.sh to have run (Debian packages incl. webkit2gtk-driver and xvfb, the
# test provider's npm packages). Builds the UI and the app the same way every time, installs
# tauri-driver into target/tools when it is missing, and installs tests/e2e's npm packages
# from their lockfile. Screenshots go to target/e2e/screenshots unless --screenshots is given.
# TOKENSCOPE_E2E_APP=<binary> tests another build of the app (with --no-build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

say() { printf '[e2e] %s\n' "$*" >&2; }
elapsed() { printf '%ds' $((SECONDS - $1)); }

node_args=()
build=1
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    --screenshots) export TOKENSCOPE_SCREENSHOTS_DIR="$repo/docs/screenshots" ;;
    --) shift; node_args+=("$@"); break ;;
    *) say "unknown argument: $1 (see the top of $0)"; exit 2 ;;
  esac
  shift
done

# xauth: xvfb-run needs it, and it is only a Recommends of Debian's xvfb.
source scripts/require-installed.sh
require_installed xvfb-run xauth WebKitWebDriver secret-tool dbus-run-session gnome-keyring-daemon chromium

# 1. The UI (ui/dist is embedded in the binary by the crate's default feature).
t=$SECONDS
if ((!build)); then
  say "--no-build: using ui/dist and target/debug/tokenscope-desktop as they are"
elif [[ -f ui/package.json ]]; then
  say "building the UI (scripts/build-ui.sh)"
  scripts/build-ui.sh
else
  say "ui/ has no package.json: using ui/dist as it is"
fi

# 2. The app, built the same way always (default features: custom-protocol, ui/dist embedded).
if ((build)); then
  say "UI ready ($(elapsed "$t"))"
  t=$SECONDS
  say "cargo build -p tokenscope-desktop"
  cargo build --locked -p tokenscope-desktop >&2
  say "app built ($(elapsed "$t"))"
fi
export TOKENSCOPE_E2E_APP="${TOKENSCOPE_E2E_APP:-$repo/target/debug/tokenscope-desktop}"

# 3. tauri-driver 2.x (crates.io, compiled here; the newest release is a 3.0 alpha).
t=$SECONDS
export TAURI_DRIVER="$repo/target/tools/bin/tauri-driver"
if [[ ! -x $TAURI_DRIVER ]]; then
  say "cargo install tauri-driver ^2 into target/tools"
  cargo install tauri-driver --locked --version '^2' --root "$repo/target/tools" >&2
  say "tauri-driver installed ($(elapsed "$t"))"
fi

# 4. The tests' npm packages, exactly as locked.
stamp=tests/e2e/node_modules/.tokenscope-lock
if [[ ! -f $stamp ]] || ! cmp -s tests/e2e/package-lock.json "$stamp"; then
  say "npm ci in tests/e2e"
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >&2
  cp tests/e2e/package-lock.json "$stamp"
fi

# 5. Run: a virtual display, a private D-Bus session with an unlocked gnome-keyring. The tests
# start the provider and the app themselves and end every process they started.
t=$SECONDS
say "running tests/e2e under Xvfb with a private keyring"
out=$(mktemp)
rc=$(mktemp)
trap 'rm -f "$out" "$rc"' EXIT
set +e
# The tests' own exit status goes to $rc: xvfb-run can fail on its own after they ended
# (seen once: "problem while cleaning up temporary directory"), which is no test failure.
xvfb-run -a -s "-screen 0 1280x800x24" \
  scripts/with-keyring.sh \
  bash -c 'node --test --test-concurrency=1 --test-timeout=240000 "${@:2}" tests/e2e/*.test.mjs
           s=$?; echo $s >"$1"; exit $s' \
  e2e "$rc" "${node_args[@]}" 2>&1 | tee "$out"
xvfb_status=${PIPESTATUS[0]}
set -e
status=$(cat "$rc")
if [[ -z $status ]]; then
  status=$xvfb_status
  ((status != 0)) || status=1
elif ((xvfb_status != status)); then
  say "xvfb-run exited with $xvfb_status after the tests exited with $status"
fi
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n1)
skipped=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$out" | tail -n1)
say "tests ran in $(elapsed "$t")"
if [[ -n ${TOKENSCOPE_SCREENSHOTS_DIR:-} ]] && ((status == 0)); then
  # 128 colours without dithering: the same pictures at about a third of the size.
  if command -v convert >/dev/null 2>&1; then
    for png in "$TOKENSCOPE_SCREENSHOTS_DIR"/*.png; do
      convert "$png" -dither None -colors 128 "PNG8:$png"
    done
  else
    say "no ImageMagick (convert): screenshots kept as full-colour PNG"
  fi
  say "screenshots: $(du -ch "$TOKENSCOPE_SCREENSHOTS_DIR"/*.png | tail -n1 | cut -f1) in ${TOKENSCOPE_SCREENSHOTS_DIR#"$repo"/}"
fi
cancelled=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$out" | tail -n1)
fail=$((${fail:-0} + ${cancelled:-0}))
# A failure outside any test (the suite's set-up) counts as one.
((status == 0 || fail > 0)) || fail=1
echo "e2e: ${pass:-0} passed, ${fail:-0} failed, ${skipped:-0} skipped"
if ((status == 0)) && [[ -z $pass || $pass -eq 0 ]]; then
  say "no test ran"
  status=1
fi
exit "$status"
