"""CI: the wheel installs the package `kantokuen` and nothing else, and works outside the checkout.

1. Builds the wheel from the checkout's files (those git tracks or would track), in a copy, so
   no stale build/ folder of the checkout can slip into it.
2. Reads the wheel: its only top-level names are `kantokuen` and its .dist-info; top_level.txt
   says `kantokuen`; the bundled cases and report templates are in it; tests and benchmarks not.
3. Installs it with the `pandas` extra into a fresh virtual environment (the runtime
   dependencies come from PyPI), uninstalls it, and installs it again without dependencies:
   site-packages must gain exactly `kantokuen` and its .dist-info.
4. From a folder outside the checkout runs `kantokuen cases`, `kantokuen solve kantokuen_1941
   -s historical` and the README's Python API example, with the environment's interpreter.

Usage: python .ci/wheel_test.py  (KEEP=1 keeps the work folder and prints where it is).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_QUIET = ["-q", "--disable-pip-version-check", "--no-input"]


def run(*args: str | Path, cwd: Path | None = None) -> str:
    """Run a command, echo it and its output, and fail the test if it fails."""
    print("$", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    output = done.stdout + done.stderr
    print(output, end="" if output.endswith("\n") or not output else "\n", flush=True)
    if done.returncode != 0:
        sys.exit(f"wheel test: exit {done.returncode} from {args[0]} {args[1]}")
    return done.stdout


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"wheel test: {message}")


def copy_checkout(target: Path) -> None:
    """The checkout's files as git sees them (tracked or not ignored), symbolic links kept."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not os.path.lexists(source):  # deleted in the work tree
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target / name)
        else:
            shutil.copy2(source, target / name)


def build_wheel(work: Path) -> Path:
    source = work / "src"
    copy_checkout(source)
    run(sys.executable, "-m", "pip", "wheel", *PIP_QUIET, "--no-deps", "-w", work / "dist", source)
    (wheel,) = (work / "dist").glob("kantokuen-*.whl")
    return wheel


def check_wheel(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
    tops = {n.split("/")[0] for n in names}
    check(tops == {"kantokuen", info}, f"the wheel's top-level names are {sorted(tops)}")
    top_level = zipfile.ZipFile(wheel).read(f"{info}/top_level.txt").decode().split()
    check(top_level == ["kantokuen"], f"top_level.txt says {top_level}")
    record = zipfile.ZipFile(wheel).read(f"{info}/RECORD").decode().splitlines()
    recorded = {line.split(",")[0].split("/")[0] for line in record if line}
    check(recorded == tops, f"RECORD names {sorted(recorded)}")
    for needed in (
        "kantokuen/api.py",
        "kantokuen/cli.py",
        "kantokuen/commands/solve.py",
        "kantokuen/models/verify.py",
        "kantokuen/cases/kantokuen_1941.yaml",
        "kantokuen/cases/teaching/two_divisions.yaml",
        "kantokuen/reports/templates/report.html.j2",
    ):
        check(needed in names, f"the wheel lacks {needed}")
    check(
        not [n for n in names if "/tests/" in n or "/benchmarks/" in n],
        "the wheel ships tests or benchmarks",
    )
    print(f"wheel {wheel.name}: {len(names)} files, top level {sorted(tops)}", flush=True)


def readme_example() -> str:
    """The first Python block of the README's "Python API" section."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Python API\n")[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    check(found is not None, 'README has no ```python block under "## Python API"')
    assert found is not None
    return found.group(1)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kantokuen-wheel-"))
    try:
        wheel = build_wheel(work)
        check_wheel(wheel)
        venv = work / "venv"
        run(sys.executable, "-m", "venv", venv)
        python, kantokuen = venv / "bin" / "python", venv / "bin" / "kantokuen"
        site = Path(
            run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
        )
        run(python, "-m", "pip", "install", *PIP_QUIET, f"{wheel}[pandas]")  # with dependencies
        run(python, "-m", "pip", "uninstall", *PIP_QUIET, "-y", "kantokuen")
        before = set(os.listdir(site))
        run(python, "-m", "pip", "install", *PIP_QUIET, "--no-deps", wheel)
        gained, lost = set(os.listdir(site)) - before, before - set(os.listdir(site))
        expected = {"kantokuen", wheel.name.split("-py3")[0] + ".dist-info"}
        check(gained == expected and not lost, f"site-packages gained {sorted(gained)}")
        print(f"site-packages gained {sorted(gained)}", flush=True)

        outside = work / "outside"  # no case files here: names resolve to the package's
        outside.mkdir()
        where = run(python, "-c", "import kantokuen; print(kantokuen.__file__)", cwd=outside)
        check(where.startswith(str(site)), f"kantokuen imported from {where}")
        check("kantokuen_1941" in run(kantokuen, "cases", cwd=outside), "cases lacks the case")
        answer = run(kantokuen, "solve", "kantokuen_1941", "-s", "historical", cwd=outside)
        check(answer.startswith("NO-GO"), "historical is not a no-go")
        (outside / "example.py").write_text(readme_example(), encoding="utf-8")
        run(python, "example.py", cwd=outside)
        print("wheel test: passed", flush=True)
    finally:
        if os.environ.get("KEEP"):
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
