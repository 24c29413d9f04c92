#!/usr/bin/env bash
# Install what the tests need: Python packages, and Debian's Chromium for the browser tests.
set -euo pipefail
python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null
fi
# TensorFlow has crashed on import on some CPUs with one release and not another: fail early.
python -c "import tensorflow as tf; print('tensorflow', tf.__version__, 'imports fine')"
