"""Imports point one way, `cli → commands → analysis, reports → planner → models` (DESIGN §3),
checked in the sources at any depth (a function-level import counts) and, where it matters, in a
fresh interpreter: models/ never imports ortools or click; planner/ nothing of analysis/,
reports/ or the CLI; analysis/ neither reports/ nor the CLI, and renders nothing; reports/ render
and never solve; commands/ never import cli.py, and nothing but cli.py imports commands/. The
verifier stands alone."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).parent.parent


def test_models_import_neither_ortools_nor_click() -> None:
    """Importing every module of models/ loads neither ortools nor click."""
    modules = [
        f"kantokuen.models.{p.stem}" for p in (ROOT / "models").glob("*.py") if p.stem != "__init__"
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('ortools', 'click')]\nprint(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# The verifier recomputes everything from the case: it must not see the planner's tables.
PLANNER_SIDE = (
    "kantokuen.models.instance",
    "kantokuen.models.soviet",
    "kantokuen.planner",
    "ortools",
)
INDEPENDENT = ["kantokuen.models.verify", "kantokuen.models.certify"]


def _planner_side(name: str) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in PLANNER_SIDE)


@pytest.mark.parametrize("module", INDEPENDENT)
def test_verifier_loads_nothing_of_the_planner(module: str) -> None:
    """Importing the verifier (or the no-go certificate checker) in a fresh interpreter loads
    none of models.instance, models.soviet, planner, ortools."""
    code = (
        f"import sys\nimport {module}\nprint(sorted(m for m in sys.modules if any("
        f"m == b or m.startswith(b + '.') for b in {PLANNER_SIDE!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def _imports(path: pathlib.Path) -> set[str]:
    """Every module a source file imports, at any depth (a function-level import counts too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_verifier_source_imports_only_the_case_the_plan_and_the_stdlib() -> None:
    """models/verify.py imports models.case, models.plan and the standard library, nothing else
    (so no planner table can slip in through a later edit, even inside a function)."""
    allowed = ("kantokuen.models.case", "kantokuen.models.plan")
    for name in _imports(ROOT / "models" / "verify.py"):
        top = name.split(".")[0]
        if top == "kantokuen":
            assert name in allowed or name.startswith(tuple(a + "." for a in allowed)), name
        else:
            assert top in sys.stdlib_module_names or top == "__future__", name


@pytest.mark.parametrize("module", INDEPENDENT)
def test_independent_sources_import_nothing_of_the_planner(module: str) -> None:
    """No import of models.instance, models.soviet, planner or ortools in the source, at any
    depth (the import test above only sees the imports that run at import time)."""
    path = ROOT / "models" / f"{module.split('.')[2]}.py"
    assert not [name for name in _imports(path) if _planner_side(name)]


# --- One way: what each layer may not import ---------------------------------------------------

TOP = ("kantokuen.cli", "kantokuen.api")  # the command line and the Python API sit above it all
COMMANDS = ("kantokuen.commands",)  # the commands of cli.py; only cli.py puts them to use
SOLVING = (
    "kantokuen.planner.solve",
    "kantokuen.planner.result",
    "kantokuen.planner.model",
    "kantokuen.planner.solver",
    "ortools",
)
RENDERING = ("rich.console", "rich.table", "rich.text", "matplotlib", "jinja2", "kantokuen.reports")
BANNED = {
    "models": ("kantokuen.planner", "kantokuen.analysis", "kantokuen.reports", "ortools", "click")
    + TOP
    + COMMANDS,
    "planner": ("kantokuen.analysis", "kantokuen.reports", *TOP, *COMMANDS),
    # analysis/ computes; reports/ draws its tables (a progress bar while solving is allowed)
    "analysis": (*RENDERING, *TOP, *COMMANDS),
    # reports/ render, never solve: no planner solving, no CP-SAT
    "reports": (*SOLVING, *TOP, *COMMANDS),
    # commands/ use the API, analysis/, reports/, planner/ and models/ below them, never cli.py
    # above (it imports them: the options and exit codes they share are in commands/common.py)
    "commands": ("kantokuen.cli",),
}


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _runtime_imports(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, module) of every import that runs (at any depth), leaving out those under
    `if TYPE_CHECKING:`, which only name types for mypy."""
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.lineno, node.module))
            out.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _sources(layer: str) -> list[pathlib.Path]:
    return sorted((ROOT / layer).glob("*.py"))


@pytest.mark.parametrize("layer", sorted(BANNED))
def test_imports_point_one_way(layer: str) -> None:
    """No source file of a layer imports what lies above it (at any depth: a function-level
    import counts; the type-only imports under TYPE_CHECKING are checked by the next tests)."""
    bad = [
        f"{path.name}:{line}: {name}"
        for path in _sources(layer)
        for line, name in _runtime_imports(path)
        if _under(name, BANNED[layer])
    ]
    assert not bad, f"{layer}/ imports what it must not: {bad}"


@pytest.mark.parametrize("layer", sorted(BANNED))
def test_type_only_imports_point_one_way_too(layer: str) -> None:
    """Imports under TYPE_CHECKING follow the same direction, except that reports/ may name the
    result types of analysis/ (Comparison, Breakeven, ExplainReport, Summary) to render them."""
    allowed_types = ("kantokuen.analysis",) if layer == "reports" else ()
    banned = BANNED[layer] + (("kantokuen.analysis",) if layer in ("models", "planner") else ())
    bad = [
        f"{path.name}: {name}"
        for path in _sources(layer)
        for name in _imports(path)
        if _under(name, banned) and not _under(name, allowed_types)
    ]
    assert not bad, f"{layer}/ imports what it must not: {bad}"


def test_reports_call_nothing_of_analysis() -> None:
    """reports/ render what analysis/ computed: they may name its types (under TYPE_CHECKING),
    never run its code, so no report can start a solve or a search."""
    bad = [
        f"{path.name}:{line}: {name}"
        for path in _sources("reports")
        for line, name in _runtime_imports(path)
        if _under(name, ("kantokuen.analysis",))
    ]
    assert not bad, bad


def test_importing_reports_loads_no_solver() -> None:
    """Importing every module of reports/ in a fresh interpreter loads no planner solving, no
    CP-SAT and nothing of analysis/."""
    modules = [f"kantokuen.reports.{p.stem}" for p in _sources("reports") if p.stem != "__init__"]
    banned = (*SOLVING, "kantokuen.analysis")
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"print(sorted(m for m in sys.modules if any(m == b or m.startswith(b + '.') "
        f"for b in {banned!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_only_the_cli_imports_the_commands() -> None:
    """commands/ hang off cli.py alone: no layer, the Python API or a benchmark imports them (at
    any depth, type-only imports too), so a command is never a library another part leans on."""
    sources = [ROOT / "cli.py", ROOT / "kantokuen" / "__init__.py", ROOT / "kantokuen" / "api.py"]
    sources += [path for layer in BANNED if layer != "commands" for path in _sources(layer)]
    sources += sorted((ROOT / "benchmarks").glob("*.py"))
    importers = [
        path.relative_to(ROOT).as_posix()
        for path in sources
        if any(_under(name, COMMANDS) for name in _imports(path))
    ]
    assert importers == ["cli.py"]


def test_the_cli_is_only_the_group_and_its_error_boundary() -> None:
    """cli.py puts the commands on the click group and turns errors into exit codes: of kantokuen
    it imports only commands/ and the error type, so no command's work creeps back into it."""
    ours = [name for _, name in _runtime_imports(ROOT / "cli.py") if name.startswith("kantokuen")]
    allowed = ("kantokuen.commands", "kantokuen.models.errors")
    assert ours and all(_under(name, allowed) for name in ours), ours


def test_layers_are_all_checked() -> None:
    """Every package of the distribution has its rule (a new one must be placed in the order)."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert packages - {"tests", "benchmarks", "kantokuen"} == set(BANNED)
