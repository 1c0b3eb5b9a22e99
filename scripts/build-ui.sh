#!/usr/bin/env bash
# Installs the UI's npm packages (from its lockfile) and builds it into ui/dist, which the
# desktop binary embeds. Skips the npm install when the lockfile has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=ui/node_modules/.tokenscope-lock
if [[ ! -f $stamp ]] || ! cmp -s ui/package-lock.json "$stamp"; then
  npm ci --prefix ui --no-audit --no-fund --loglevel=error >&2
  cp ui/package-lock.json "$stamp"
fi
npm --prefix ui run --silent build >&2
