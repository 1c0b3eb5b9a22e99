# Sourced by scripts that need what scripts/install.sh installs (e2e.sh, bench.sh), from the
# repository root, after they define say(). require_installed TOOL... stops with exit 127 at the
# first command not found, or with exit 1 when the test provider's npm packages are missing.
require_installed() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      say "'$tool' not found: run scripts/install.sh (as root) first"
      exit 127
    fi
  done
  if [[ ! -d tests/idp/node_modules ]]; then
    say "tests/idp has no node_modules: run scripts/install.sh first"
    exit 1
  fi
}
