"""Audit the pinned packages for known vulnerabilities with pip-audit.

    python .ci/audit.py constraints.txt

Exits 1 when a pinned version has a known vulnerability. Where no advisory data can be
reached (a machine that sees only a package mirror: PyPI's JSON API and OSV both out of
reach), every package comes back "not audited"; that is said plainly and is not a failure,
since nothing was learnt either way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def main(constraints: str) -> int:
    pins = [
        line
        for line in Path(constraints).read_text().splitlines()
        if line and not line.startswith("#")
    ]
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "-r",
        constraints,
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        print(
            f"vulnerability audit: no answer from the advisory service in 600 s; {len(pins)} pinned packages not audited"
        )
        return 0
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(
            f"vulnerability audit: no advisory data reachable ({last[:200]}); {len(pins)} pinned packages not audited"
        )
        return 0
    packages = report.get("dependencies", [])
    audited = [p for p in packages if "skip_reason" not in p]
    found = [
        (p["name"], p["version"], v["id"], ", ".join(v.get("fix_versions") or []) or "no fix yet")
        for p in audited
        for v in p.get("vulns", [])
    ]
    if not audited:
        print(
            f"vulnerability audit: no advisory data reachable from this machine; {len(packages)} pinned packages not audited"
        )
        return 0
    for name, version, vuln, fixes in found:
        print(f"vulnerable: {name} {version}: {vuln} (fixed in {fixes})")
    print(
        f"vulnerability audit: {len(audited)} of {len(packages)} pinned packages audited, {len(found)} known vulnerabilities"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "constraints.txt"))
