#!/usr/bin/env bash
# Installs what is missing, builds Tokenscope, starts the local demo provider (a B2C-shaped
# OpenID provider, tests/idp) and signs in to it with the `tokenscope` command line: the browser
# opens, you sign in as "tester" (any password), and the validated, explained tokens are shown.
# The refresh token goes to your keyring; then it is refreshed once to show the rotation.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh
echo "[run] building tokenscope" >&2
cargo build --locked -p tokenscope-cli
bin=target/debug/tokenscope

# Start the demo provider and read its ready line.
log=$(mktemp)
node tests/idp/server.mjs --port "${TOKENSCOPE_DEMO_PORT:-0}" >"$log" 2>/dev/null < <(sleep infinity) &
idp=$!
trap 'kill "$idp" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do [[ -s $log ]] && break; sleep 0.1; done
ready=$(head -n1 "$log")
field() { node -e 'const r=JSON.parse(process.argv[1]); console.log(r[process.argv[2]])' "$ready" "$1"; }
base=$(field base); tenant=$(field tenant); client=$(field client_id); api=$(field api_scope)
authority="$base/$tenant/B2C_1_susi/v2.0/.well-known/openid-configuration"
echo "[run] demo provider at $base (tenant $tenant, user flow B2C_1_susi)" >&2

browser=()
if [[ -z ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
  echo "[run] no display: a headless Chromium plays the browser and signs in as 'tester'." >&2
  echo "[run] (on a desktop, your own browser opens instead)" >&2
  browser=(--browser "node $PWD/tests/idp/browser.mjs")
fi
keyring=()
if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
  echo "[run] no D-Bus session: using a throw-away gnome-keyring for this run." >&2
  keyring=(scripts/with-keyring.sh)
fi

profile="Local demo (B2C-shaped)"
"${keyring[@]}" bash -c '
  set -e
  "$1" signin --authority "$2" --client-id "$3" --scope "offline_access $4" \
       --profile "$5" "${@:6}"
  echo
  echo "[run] refreshing once (the refresh token rotates):" >&2
  "$1" refresh --profile "$5"
' run "$bin" "$authority" "$client" "$api" "$profile" "${browser[@]}"
