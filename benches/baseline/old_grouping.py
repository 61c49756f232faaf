#!/usr/bin/env python3
"""The speed baseline for trivyscan's report path: the work the old trivy-scanner.py did per
scan once Trivy had written its JSON, done the way it did it (the standard json module, dicts
of lists, one pass per report), so `cargo bench --bench pipeline` can say how many times
faster trivyscan is without anything from outside this repository.

usage: old_grouping.py LEVEL OUT.json TRIVY_REPORT.json...

For each report: json.load it, keep the vulnerabilities and secrets at or above LEVEL (1-5:
UNKNOWN+ ... CRITICAL), group them by component type (an OS's packages, a language's
packages, secrets, ...) then by severity, each finding a dict of the old report's keys; write
every image's entry to OUT.json as one compact JSON array (ensure_ascii=False), and print
OUT.json's name.
"""
import json
import sys
from datetime import datetime

SEVERITIES = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
OS_TYPES = {"debian", "ubuntu", "alpine", "centos", "rhel", "amazon"}
# Language package types -> the old report's family name (first match wins, as it did:
# by type, then by hints in the package's name or path).
LANGUAGE_HINTS = [
    ("Go", {"gobinary"}, ("go.mod", "/go/"), ()),
    ("Python", {"python-pkg"}, ("/python/",), (".py",)),
    ("NodeJS", {"node-pkg"}, ("node_modules", "/npm/"), ()),
    ("Java", {"java"}, ("/java/",), (".jar",)),
    ("PHP", {"php"}, (), (".php",)),
    ("Ruby", {"ruby"}, (), (".gem",)),
    ("Rust", {"rust"}, (), (".crate",)),
    ("DotNet", {"dotnet"}, (), (".dll",)),
    ("Conda", {"conda"}, (), ()),
]


def component_of(result, vulnerability):
    kind = result.get("Type") or ""
    cls = result.get("Class") or ""
    if cls == "secret":
        return "Secret"
    if vulnerability is not None:
        name = (vulnerability.get("PkgName") or "").lower()
        path = (vulnerability.get("PkgPath") or "").lower()
        if cls in ("os-pkgs", "os") or kind in OS_TYPES:
            return kind.capitalize() + "-package"
        if cls == "lang-pkgs":
            for family, kinds, path_hints, name_hints in LANGUAGE_HINTS:
                if (kind in kinds or any(h in path for h in path_hints)
                        or any(h in name for h in name_hints)):
                    return family + "-package"
            return kind + "-package" if kind else "Unknown-language-package"
    if cls == "config" or "config" in (result.get("Target") or "").lower():
        return "Configuration"
    if cls == "binary":
        return "Binary"
    return kind + "-component" if kind else "Unknown-component"


def vulnerability_entry(result, v):
    entry = {
        "vuln_id": v.get("VulnerabilityID", ""),
        "installed_vers": v.get("InstalledVersion", ""),
        "fixed": v.get("FixedVersion", ""),
        "library": v.get("PkgName", ""),
        "type_detail": result.get("Type", ""),
        "class_detail": result.get("Class", ""),
        "target": result.get("Target", ""),
        "type": "vulnerability",
    }
    for key in ("Title", "Description", "CVSS", "SeveritySource", "PrimaryURL"):
        if v.get(key):
            entry[key.lower()] = v[key]
    return entry


def secret_entry(result, s):
    return {
        "secret_id": s.get("RuleID", ""),
        "category": s.get("Category", ""),
        "title": s.get("Title", ""),
        "target": result.get("Target", ""),
        "start_line": s.get("StartLine", ""),
        "end_line": s.get("EndLine", ""),
        "match": s.get("Match", ""),
        "type_detail": result.get("Type", ""),
        "class_detail": result.get("Class", ""),
        "type": "secret",
    }


def grouped(report, kept):
    groups = {}

    def add(component, severity, entry):
        groups.setdefault(component, {}).setdefault(severity, []).append(entry)

    for result in report.get("Results") or []:
        for v in result.get("Vulnerabilities") or []:
            severity = (v.get("Severity") or "UNKNOWN").upper()
            if severity in kept:
                add(component_of(result, v), severity, vulnerability_entry(result, v))
        for s in result.get("Secrets") or []:
            severity = (s.get("Severity") or "UNKNOWN").upper()
            if severity in kept:
                add("Secret", severity, secret_entry(result, s))
    return groups


def main(argv):
    level, out_path, paths = int(argv[0]), argv[1], argv[2:]
    kept = SEVERITIES[level - 1:]
    entries = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            report = json.load(f)
        entry = {
            "image": report.get("ArtifactName", path),
            "scan_timestamp": datetime.now().isoformat(),
            "severity_level": level,
            "included_severities": kept,
            "scan_type": "remote",
        }
        entry.update(grouped(report, kept))
        entries.append(entry)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(entries, f, ensure_ascii=False, separators=(",", ":"))
    print(out_path)


if __name__ == "__main__":
    main(sys.argv[1:])
