#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then runs every test.
# Extra arguments go to `cargo test` (e.g. scripts/test.sh --test e2e_scan).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
while IFS='=' read -r key value; do
  # Variables set by the caller win over the installed tools.
  [ -n "${!key:-}" ] || export "$key=$value"
done < <(scripts/setup-test-tools.sh)
cargo test --workspace --locked "$@"
