"""The locks (requirements/*.lock, requirements.txt) cover what they must, with hashes.

`make install` installs each lock with `pip install --require-hashes`, and `sam build` installs
the Lambda's. These tests read the files only (no network, no pip), so a lock that went stale
after an edit of pyproject.toml or a requirements/*.in fails here in a second, with the remedy
(`make lock`), instead of at install time on another machine.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "requirements"
LAMBDA_LOCK = ROOT / "requirements.txt"
# What `sam build` reads: requirements.txt beside the template's CodeUri (src/).
SAM_BUILD_REQUIREMENTS = ROOT / "src" / "requirements.txt"
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
REMEDY = "run `make lock` (or `make upgrade`) and commit the locks"


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: tuple[str, ...]

    @property
    def name(self) -> NormalizedName:
        return canonicalize_name(self.requirement.name)

    @property
    def version(self) -> Version | None:
        """The pinned version, or None when the line is not one exact `==` pin."""
        specifiers = list(self.requirement.specifier)
        if (
            len(specifiers) == 1
            and specifiers[0].operator == "=="
            and "*" not in str(specifiers[0])
        ):
            return Version(specifiers[0].version)
        return None


def logical_lines(text: str) -> list[str]:
    """A requirements file's lines, continuations joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = (re.sub(r"(^|\s)#.*$", "", line).strip() for line in joined.splitlines())
    return [line for line in lines if line]


def parse_lock(text: str) -> tuple[list[Pin], list[str]]:
    """The pins of a lock, and what is wrong with it (empty when it is a lock pip can enforce)."""
    pins: list[Pin] = []
    problems: list[str] = []
    for line in logical_lines(text):
        if line.startswith("-"):
            # -r, -c, -e, --index-url...: a lock that pulls in another file or an editable
            # install is no longer the whole, checked list.
            problems.append(f"not a pinned requirement: {line!r}")
            continue
        requirement_text = line.split(" --", 1)[0].strip()
        hashes = tuple(HASH.findall(line))
        pin = Pin(Requirement(requirement_text), hashes)
        if pin.version is None:
            problems.append(f"{requirement_text}: not pinned to one version with ==")
        if not hashes:
            problems.append(f"{requirement_text}: no --hash=sha256:")
        if pin.requirement.url:
            problems.append(f"{requirement_text}: a URL, not a release")
        pins.append(pin)
    return pins, problems


def read_lock(path: Path) -> list[Pin]:
    pins, problems = parse_lock(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.relative_to(ROOT)}: {problems}; {REMEDY}"
    assert pins, f"{path.relative_to(ROOT)} pins nothing"
    return pins


def missing(requirements: list[Requirement], pins: list[Pin]) -> list[str]:
    """The requirements (for this interpreter) that no pin of the lock satisfies."""
    applicable = [
        pin for pin in pins if pin.requirement.marker is None or pin.requirement.marker.evaluate()
    ]
    versions: dict[NormalizedName, set[Version]] = {}
    for pin in applicable:
        if pin.version is not None:
            versions.setdefault(pin.name, set()).add(pin.version)
    unmet: list[str] = []
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        locked = versions.get(canonicalize_name(requirement.name), set())
        if not locked:
            unmet.append(f"{requirement}: not in the lock")
        elif not any(requirement.specifier.contains(v, prereleases=True) for v in locked):
            found = ", ".join(map(str, sorted(locked)))
            unmet.append(f"{requirement}: the lock has {found}")
    return unmet


def requirements_in(path: Path) -> list[Requirement]:
    """The requirements a .in file names (it holds no options)."""
    lines = logical_lines(path.read_text(encoding="utf-8"))
    assert all(not line.startswith("-") for line in lines), f"{path}: options in a .in file"
    return [Requirement(line) for line in lines]


def pyproject() -> dict[str, object]:
    data: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data


def project_requirements(*extras: str) -> list[Requirement]:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    names = list(project["dependencies"])
    for extra in extras:
        names += project["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def build_requirements() -> list[Requirement]:
    build_system = pyproject()["build-system"]
    assert isinstance(build_system, dict)
    return [Requirement(name) for name in build_system["requires"]]


# (lock, what it must satisfy), one entry per lock `make install` or `sam build` installs.
def lock_inputs() -> dict[str, list[Requirement]]:
    return {
        "requirements/pip.lock": requirements_in(LOCKS / "pip.in"),
        # The project is installed with --no-deps --no-build-isolation: its dependencies and its
        # build backend must all come from the lock.
        "requirements/dev.lock": project_requirements("dev")
        + requirements_in(LOCKS / "dev.in")
        + build_requirements(),
        "requirements/bench.lock": project_requirements("dev", "bench")
        + requirements_in(LOCKS / "dev.in"),
        "requirements.txt": requirements_in(LOCKS / "lambda.in") + project_requirements(),
        "requirements/sam.lock": requirements_in(LOCKS / "sam.in"),
        "requirements/checkov.lock": requirements_in(LOCKS / "checkov.in"),
        "requirements/openapi-python-client.lock": requirements_in(
            LOCKS / "openapi-python-client.in"
        ),
    }


def test_every_in_file_has_its_lock_and_every_lock_is_checked_here() -> None:
    expected = {f"requirements/{p.stem}.lock" for p in LOCKS.glob("*.in") if p.stem != "lambda"}
    expected |= {"requirements/bench.lock", "requirements.txt"}
    on_disk = {str(p.relative_to(ROOT)) for p in LOCKS.glob("*.lock")} | {"requirements.txt"}
    assert set(lock_inputs()) == expected == on_disk


@pytest.mark.parametrize("lock", sorted(lock_inputs()))
def test_lock_pins_every_package_with_hashes(lock: str) -> None:
    read_lock(ROOT / lock)


@pytest.mark.parametrize("lock", sorted(lock_inputs()))
def test_lock_satisfies_its_inputs(lock: str) -> None:
    unmet = missing(lock_inputs()[lock], read_lock(ROOT / lock))
    assert not unmet, f"{lock} is stale: {unmet}; {REMEDY}"


def test_sam_build_reads_only_the_lambda_lock() -> None:
    """src/requirements.txt (beside CodeUri) includes the lock and adds nothing unlocked."""
    code_uris = re.findall(
        r"^\s*CodeUri:\s*(\S+)", (ROOT / "template.yaml").read_text("utf-8"), re.M
    )
    assert code_uris == ["src/"], "sam build reads requirements.txt beside each CodeUri"
    lines = logical_lines(SAM_BUILD_REQUIREMENTS.read_text(encoding="utf-8"))
    assert lines == ["-r ../requirements.txt"]
    assert (SAM_BUILD_REQUIREMENTS.parent / "../requirements.txt").resolve() == LAMBDA_LOCK


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements/bench.lock"])
def test_shared_packages_have_the_dev_locks_versions(lock: str) -> None:
    """The tests run on the boto3 the Lambda ships, and the bench on the dev toolchain."""
    dev = {
        (pin.name, str(pin.requirement.marker)): pin.version
        for pin in read_lock(LOCKS / "dev.lock")
    }
    other = {(pin.name, str(pin.requirement.marker)): pin.version for pin in read_lock(ROOT / lock)}
    differ = {
        key: (version, other[key])
        for key, version in dev.items()
        if key in other and other[key] != version
    }
    assert not differ, f"{lock} differs from requirements/dev.lock: {differ}; {REMEDY}"


def test_makefile_installs_only_from_locks() -> None:
    """Every pip install in the Makefile is hash-checked from a lock, or the project itself."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs
    unlocked = [
        line for line in installs if "--require-hashes" not in line and "--no-deps" not in line
    ]
    assert not unlocked
    for lock in lock_inputs():
        if lock != "requirements.txt":  # sam build's, through src/requirements.txt
            assert lock in makefile, f"the Makefile never installs {lock}"


# The checks themselves, on small made-up locks: each failure they exist for is caught.
GOOD_HASH = "--hash=sha256:" + "a" * 64


def test_a_pin_without_hash_is_refused() -> None:
    pins, problems = parse_lock(
        f"boto3==1.44.8 \\\n    {GOOD_HASH}\nrequests==2.34.2\n    # via x\n"
    )
    assert [pin.name for pin in pins] == ["boto3", "requests"]
    assert problems == ["requests==2.34.2: no --hash=sha256:"]


def test_a_range_or_an_include_is_not_a_lock() -> None:
    _, problems = parse_lock(f"boto3>=1.35 {GOOD_HASH}\n-r other.txt\n")
    assert problems == [
        "boto3>=1.35: not pinned to one version with ==",
        "not a pinned requirement: '-r other.txt'",
    ]


def test_a_package_missing_from_the_lock_or_outside_its_range_is_reported() -> None:
    pins, _ = parse_lock(
        f"moto==5.2.6 {GOOD_HASH}\n"
        f"networkx==3.6.1 ; python_full_version < '3.12' {GOOD_HASH}\n"
        f"networkx==3.7 ; python_full_version >= '3.12' {GOOD_HASH}\n"
        f"colorama==0.4.6 ; sys_platform == 'never' {GOOD_HASH}\n"
    )
    wanted = [Requirement(r) for r in ("moto[server]>=5.2", "moto<5.2", "schemathesis", "colorama")]
    assert missing(wanted, pins) == [
        "moto<5.2: the lock has 5.2.6",
        "schemathesis: not in the lock",
        "colorama: not in the lock",
    ]
    assert missing([Requirement("networkx<3.7")], pins) == []
