#!/usr/bin/env python3
"""Writes examples/demo/image: a tiny OCI image layout for trivyscan's demo profile.

One layer, made reproducibly (sorted entries, mtime 0, uid 0, gzip mtime 0): Debian 12 with
libssl3 from openssl 3.0.11 in the dpkg status (real advisories exist for it), and an app
config with a planted, fake AWS access key that Trivy's secret scanner finds.
Run it again after changing the contents; tests check that the committed layout matches.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "demo", "image")

FILES = {
    "etc/debian_version": "12.5\n",
    "etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
    'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
    "var/lib/dpkg/status": "Package: libssl3\nStatus: install ok installed\nPriority: optional\n"
    "Section: libs\nInstalled-Size: 6000\nMaintainer: Debian OpenSSL Team\nArchitecture: amd64\n"
    "Source: openssl\nVersion: 3.0.11-1~deb12u2\nDescription: Secure Sockets Layer toolkit\n\n",
    # A fake key, planted for the demo: AKIA followed by 16 characters of the right alphabet.
    "app/config/deploy.env": "REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n",
}


def layer_tar():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        dirs = sorted({"/".join(p.split("/")[:i]) for p in FILES for i in range(1, p.count("/") + 1)})
        for name in sorted(dirs + list(FILES)):
            info = tarfile.TarInfo(name + ("/" if name in dirs else ""))
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if name in dirs:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                data = FILES[name].encode()
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9, filename="") as f:
        f.write(data)
    return buf.getvalue()


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def main():
    tar = layer_tar()
    layer = gz(tar)
    config = dumps({
        "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [digest(tar)]},
        "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "scripts/make-demo-image.py"}],
    })
    manifest = dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest(layer), "size": len(layer)}],
    })
    index = dumps({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest(manifest),
            "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "demo"},
        }],
    })
    out = sys.argv[1] if len(sys.argv) > 1 else OUT
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "blobs", "sha256"))
    for blob in (config, manifest, layer):
        with open(os.path.join(out, "blobs", "sha256", hashlib.sha256(blob).hexdigest()), "wb") as f:
            f.write(blob)
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(index)


if __name__ == "__main__":
    main()
