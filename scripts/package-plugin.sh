#!/usr/bin/env bash
# Builds the Trivy plugin release: dist/plugin/ with plugin.yaml and the tarball its uri names
# (trivyscan_linux-amd64.tar.gz, holding the trivyscan binary), and the same directory packed
# as dist/trivyscan-plugin_<version>.tar.gz. Either installs offline:
#   trivy plugin install dist/plugin
#   trivy plugin install dist/trivyscan-plugin_<version>.tar.gz
# --binary PATH packages an existing binary instead of building the release one; --out DIR
# writes there instead of dist/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
binary=""
dist=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2;;
    --out) dist=$2; shift 2;;
    *) echo "package-plugin: unknown argument $1" >&2; exit 2;;
  esac
done
if [ -z "$binary" ]; then
  cargo build --release --locked >&2
  binary=target/release/trivyscan
fi
version=$(grep -m1 '^version = ' Cargo.toml | cut -d'"' -f2)
manifest_version=$(grep -m1 '^version: ' plugin.yaml | cut -d'"' -f2)
if [ "$version" != "$manifest_version" ]; then
  echo "package-plugin: plugin.yaml says $manifest_version, Cargo.toml $version" >&2
  exit 1
fi
out=$dist/plugin
rm -rf "$out" && mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/trivyscan"
chmod 0755 "$stage/trivyscan"
tar -C "$stage" -czf "$out/trivyscan_linux-amd64.tar.gz" trivyscan
cp plugin.yaml "$out/plugin.yaml"
tar -C "$out" -czf "$dist/trivyscan-plugin_${version}.tar.gz" plugin.yaml trivyscan_linux-amd64.tar.gz
echo "$out"
echo "$dist/trivyscan-plugin_${version}.tar.gz"
