"""Every dependency pyproject.toml names is pinned in constraints.txt, which `make install` and
CI install from: a dependency added without `make lock` fails here, not on a fresh machine."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned_to_one_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]} | {
        _name(r) for extra in project["optional-dependencies"].values() for r in extra
    }
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned to one version"
            pins[_name(name)] = version
    assert len(wanted) >= 30
    assert sorted(wanted - pins.keys()) == []
