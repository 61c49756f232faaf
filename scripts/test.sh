#!/usr/bin/env bash
# The whole test suite: installs what the tests need, runs every test, then the end-to-end
# tests again with the oldest supported Trivy (0.59.1).
# Extra arguments go to `cargo test` (e.g. scripts/test.sh --test e2e -- trivy::faults).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
while IFS='=' read -r key value; do
  # Variables set by the caller win over the installed tools.
  [ -n "${!key:-}" ] || export "$key=$value"
done < <(scripts/setup-test-tools.sh)
cargo test --workspace --locked "$@"

# The version matrix: the end-to-end tests (the `trivy::` modules of the one test binary)
# again with the oldest supported Trivy (0.59.1). Skipped when the caller picked tests.
if [ $# -eq 0 ]; then
  echo "test.sh: the end-to-end tests again with Trivy 0.59.1 ($TESTKIT_TRIVY_OLD)" >&2
  TESTKIT_TRIVY="$TESTKIT_TRIVY_OLD" cargo test --locked --test e2e -- trivy::
fi
