#!/usr/bin/env bash
# Installs what is missing, builds Tokenscope, starts the local demo provider (a B2C-shaped
# OpenID provider, tests/idp) and opens the desktop app with a ready "Local demo (B2C-shaped)"
# profile: press "Sign in", sign in as "tester" (any password) in the browser, and the validated,
# explained tokens appear. Without a display it says how to use xvfb-run and runs the same
# sign-in with the command line instead.
#
#   ./scripts/run.sh [--headless-browser]
#
# --headless-browser: the demo profile signs in with a headless Chromium instead of your browser
# (for virtual displays such as xvfb-run, where no real browser can be shown).
set -euo pipefail
cd "$(dirname "$0")/.."
headless=false
[[ ${1:-} == --headless-browser ]] && headless=true

scripts/install.sh
echo "[run] building the UI and the app" >&2
scripts/build-ui.sh
cargo build --locked -p tokenscope-cli -p tokenscope-desktop
cli=target/debug/tokenscope

# The demo provider, on a free port; its ready line says where.
log=$(mktemp)
node tests/idp/server.mjs --port "${TOKENSCOPE_DEMO_PORT:-0}" >"$log" 2>/dev/null < <(sleep infinity) &
idp=$!
trap 'kill "$idp" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 150); do [[ -s $log ]] && break; sleep 0.1; done
ready=$(head -n1 "$log")
[[ -n $ready ]] || { echo "[run] the demo provider did not start" >&2; exit 1; }
field() { node -e 'const r=JSON.parse(process.argv[1]); console.log(r[process.argv[2]])' "$ready" "$1"; }
base=$(field base); tenant=$(field tenant); client=$(field client_id); api=$(field api_scope)
authority="$base/$tenant/B2C_1_susi/v2.0/.well-known/openid-configuration"
echo "[run] demo provider at $base (tenant $tenant, user flow B2C_1_susi)" >&2

keyring=()
if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
  echo "[run] no D-Bus session: refresh tokens go to a throw-away gnome-keyring for this run." >&2
  keyring=(scripts/with-keyring.sh)
fi

profile="Local demo (B2C-shaped)"
browser=()
if [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] || $headless; then
  browser=(--browser "node $PWD/tests/idp/browser.mjs")
fi
"$cli" profiles add "$profile" --authority "$authority" --client-id "$client" \
  --scope "offline_access $api" "${browser[@]}" >&2

if [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
  cat >&2 <<MSG
[run] There is no display, so the desktop app cannot open a window here.
[run] To run it on a virtual display:   xvfb-run -a ./scripts/run.sh --headless-browser
[run] Meanwhile, the same sign-in with the command line (a headless Chromium plays the browser):
MSG
  "${keyring[@]}" "$cli" signin --profile "$profile"
  exit
fi
echo "[run] starting Tokenscope; close the window to stop the demo provider" >&2
"${keyring[@]}" target/debug/tokenscope-desktop
