#!/usr/bin/env bash
# Runs a command against a real, unlocked Secret Service (gnome-keyring) in a private,
# throw-away D-Bus session, so keyring tests never touch the user's own keyring.
#
#   scripts/with-keyring.sh cargo test -p tokenscope-core --test vault_keyring -- --include-ignored
#
# Recipe (field guide, section 7 "The keyring in tests"):
#   - a fresh temp XDG_DATA_HOME (the keyring files) and XDG_RUNTIME_DIR (mode 700, sockets);
#   - dbus-run-session for a private session bus;
#   - gnome-keyring-daemon --unlock --components=secrets BEFORE anything touches
#     org.freedesktop.secrets: otherwise D-Bus auto-starts a daemon without a default
#     collection and every write fails with NoStorageAccess(NoResult) for the whole session.
# The command sees TOKENSCOPE_KEYRING=gnome-keyring-test, its exit status is returned, and the
# temp directory is removed afterwards.
#
# Needs (Debian): apt-get install -y --no-install-recommends gnome-keyring dbus libsecret-tools
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: '$tool' not found; install it with:" >&2
    echo "  apt-get install -y --no-install-recommends gnome-keyring dbus libsecret-tools" >&2
    exit 127
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/tokenscope-keyring.XXXXXX")"
cleanup() {
  # The keyring daemon exits with the bus; retry once if it was still writing.
  rm -rf -- "$tmp" 2>/dev/null || { sleep 0.5; rm -rf -- "$tmp" || true; }
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p -- "$tmp/data" "$tmp/run"
chmod 700 -- "$tmp" "$tmp/run"

# A throw-away password for a throw-away keyring; passed through the environment (not argv)
# and removed before the command runs.
export TOKENSCOPE_KEYRING_UNLOCK="tokenscope-test-$$-$RANDOM"

status=0
XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run" TOKENSCOPE_KEYRING=gnome-keyring-test \
  dbus-run-session -- bash -euo pipefail -c '
    # First contact with the Secret Service: start it unlocked, with a default collection.
    printf %s "$TOKENSCOPE_KEYRING_UNLOCK" \
      | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    unset TOKENSCOPE_KEYRING_UNLOCK
    exec "$@"
  ' with-keyring "$@" || status=$?

exit "$status"
