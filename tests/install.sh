#!/usr/bin/env bash
# Install what the tests need: Python packages, Debian's Chromium for the browser tests and
# Debian's PostgreSQL server for the run-store tests (started by a fixture, never as a service).
set -euo pipefail
python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}") >/dev/null
fi
# axe-core (the accessibility rules the browser tests run), pinned, from npm into an ignored
# folder: never into the project's files, never a global install.
AXE_VERSION=4.11.0
if ! grep -qs "\"version\": \"$AXE_VERSION\"" tests/.axe/node_modules/axe-core/package.json; then
  command -v npm >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
    && (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm) >/dev/null; }
  npm install --prefix tests/.axe --no-save --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
fi
# TensorFlow has crashed on import on some CPUs with one release and not another: fail early.
python -c "import tensorflow as tf; print('tensorflow', tf.__version__, 'imports fine')"
