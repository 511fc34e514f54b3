"""Every command's error boundary: bad options and arguments give exit 1 and one line per problem.

Unknown scenarios and malformed `--set` behave the same in every command that reads a case;
`sweep --vary`, `compare`, `breakeven`, `explain` and `report` refuse their own bad arguments;
output files are checked before any solving, and an existing output file is never touched.
Usage errors (a missing argument, an option value click itself rejects) are exit 2 with one
`Error:` line after click's usage text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import kantokuen.models.instance
from tests.badinput.support import (
    FAST,
    MINI,
    MINI_TEXT,
    assert_bad_input,
    error_lines,
    leftovers,
    run,
)

CASE = str(MINI)
KNOWN = "late-and-small, late-order, north-70, small-pool, tiny-pool"

# Each command that reads a case, as (arguments before the bad part, output option or None).
COMMANDS = {
    "validate": (["validate", CASE], None),
    "solve": (["solve", CASE, *FAST], "-o"),
    "explain": (["explain", CASE, *FAST], "-o"),
    "compare": (["compare", CASE, "-s", "small-pool", *FAST], "-o"),
    "breakeven": (["breakeven", CASE, "--lever", "levers.withdrawal_scale", *FAST], "-o"),
    "report": (["report", CASE, "--format", "md"], "-o"),
    "sweep": (["sweep", CASE, "--vary", "levers.withdrawal_scale=1,2"], "--json"),
}


@pytest.fixture
def never_solve(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail loudly (exit 5) if anything is compiled for the solver: bad input must stop first."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a case was solved despite bad input")

    monkeypatch.setattr(kantokuen.models.instance.Instance, "__init__", refuse)
    yield


def command(name: str, tmp_path: Path, *extra: str) -> tuple[list[str], Path | None]:
    """The command's arguments with an existing output file (whose content must survive)."""
    args, option = COMMANDS[name]
    args = [*args, *extra]
    if name == "sweep":
        args += ["--store", str(tmp_path / "sweep.sqlite")]
    output = None
    if option:
        output = tmp_path / "old-output.txt"
        output.write_text("old content\n")
        args += [option, str(output)]
    return args, output


def assert_untouched(tmp_path: Path, output: Path | None) -> None:
    if output is not None:
        assert output.read_text() == "old content\n"
    assert leftovers(tmp_path, {"old-output.txt"}) == []


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.usefixtures("never_solve")
def test_an_unknown_scenario_is_one_line_in_every_command(tmp_path: Path, name: str) -> None:
    args, output = command(name, tmp_path, "--scenario", "nope")
    lines = assert_bad_input(run(*args), lines=1)
    assert lines == [f"Error: {CASE}: unknown scenario 'nope' (known scenarios: {KNOWN})"]
    assert_untouched(tmp_path, output)


HUGE = "9" * 5000
BAD_SETS = [
    (
        ["levers.north_share"],
        [
            "Error: <input>: --set 'levers.north_share' is not of the form key=value "
            "(e.g. --set levers.north_share=0.7)"
        ],
    ),
    (
        ["=0.7"],
        [
            "Error: <input>: --set '=0.7' has an empty field name (e.g. --set "
            "levers.north_share=0.7)"
        ],
    ),
    (
        ["levers.north_share="],
        [
            "Error: <input>: --set 'levers.north_share=' has no value "
            "(e.g. --set levers.north_share=0.7)"
        ],
    ),
    (
        ["levers.north_share=[1"],
        [
            "Error: <input>: --set 'levers.north_share=[1': cannot read the value '[1' "
            "(quote text values)"
        ],
    ),
    (
        ["levers.nope=1"],
        [
            "Error: --set: levers.nope: 'nope' is not a field of levers "
            "(fields of levers: mobilization_order, north_share, withdrawal_scale)"
        ],
    ),
    (
        ["units.nowhere.men=1"],
        ["Error: --set: units.nowhere.men: no unit 'nowhere' (known units: home_div, korea_div)"],
    ),
    (
        ["levers.north_share=2"],
        [
            "Error: --set: levers.north_share: input should be less than or equal to 1 "
            "(give a smaller number)"
        ],
    ),
    (
        ["levers.north_share=true"],
        ["Error: --set: levers.north_share: input should be a number, not true (give a number)"],
    ),
    (
        ["levers.north_share=.nan"],
        [
            "Error: <input>: --set 'levers.north_share=.nan': .nan is not a finite number "
            "(give a plain number)"
        ],
    ),
    (
        ["levers.north_share=!!python/object:os.system {}"],
        [
            "Error: <input>: --set 'levers.north_share=!!python/object:os.system {}': tag "
            "tag:yaml.org,2002:python/object:os.system is not allowed (case files hold plain data "
            "only)"
        ],
    ),
    (
        ["levers.north_share=!!bool maybe"],
        [
            "Error: <input>: --set 'levers.north_share=!!bool maybe': cannot read "
            "value 'maybe' as true or false (write true or false)"
        ],
    ),
    (
        [f"units.home_div.men={HUGE}"],
        [
            f"Error: <input>: --set 'units.home_div.men={'9' * 58}...': number "
            f"{'9' * 37}... is too large (at most 1,000,000,000,000,000)"
        ],
    ),
    (
        ["name=&a [*a]"],
        [
            "Error: <input>: --set 'name=&a [*a]': YAML aliases expand to too many values "
            "(alias bomb?) (a case may expand to at most 200,000 values)"
        ],
    ),
    (
        ["levers.mobilization_order=1941-07-01T00:00:00"],
        [
            "Error: <input>: --set 'levers.mobilization_order=1941-07-01T00:00:00': unsupported "
            "value '1941-07-01T00:00:00' (use a number, text or date)"
        ],
    ),
    (
        ["name=!!binary aGVsbG8="],
        [
            "Error: <input>: --set 'name=!!binary aGVsbG8=': tag tag:yaml.org,2002:binary "
            "is not allowed (case files hold plain data only)"
        ],
    ),
    (
        ["levers.north_share=0.5", "levers.north_share=0.6"],
        ["Error: <input>: --set 'levers.north_share' is given twice (give each field once)"],
    ),
    (
        ["levers.north_share=abc", "calendar.horizon_days=0"],
        [
            "Error: --set: calendar.horizon_days: input should be greater than or equal to 1 (give "
            "a larger number)",
            "Error: --set: levers.north_share: input should be a valid number, unable to parse "
            "string as a number (give a number)",
        ],
    ),
]


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.usefixtures("never_solve")
def test_a_malformed_set_is_the_same_error_in_every_command(tmp_path: Path, name: str) -> None:
    """Each malformed `--set` (and each pair of bad ones) gives exactly the expected lines."""
    for sets, expected in BAD_SETS:
        args, output = command(name, tmp_path, *(f"--set={s}" for s in sets))
        assert assert_bad_input(run(*args)) == expected, sets
        assert_untouched(tmp_path, output)


BAD_VARIES = [
    ("levers.north_share=0.9:0.3:0.1", "START is after END"),
    ("nonsense", "not of the form LEVER=SPEC"),
    ("=1,2", "empty lever name"),
    ("levers.north_share=", "no values"),
    ("levers.north_share=0:1", "a range needs a step: START:END:STEP"),
    ("levers.north_share=0:1:0.1:3", "too many ':'"),
    ("levers.north_share=0:1:0", "the step must be positive"),
    ("levers.north_share=0:1:-0.1", "the step must be positive"),
    ("levers.north_share=nan:1:0.1", "numbers must be finite"),
    ("levers.north_share=0:1e9:1e-9", "1,000,000"),
    ("levers.north_share=0.5,0.5", "a value is listed twice"),
    ("levers.north_share=0.5,,1", "empty value in the list"),
    ("levers.north_share=!!bool maybe,0.5", "cannot read the value '!!bool maybe'"),
    (f"units.home_div.men={HUGE},1", "is too large"),
    ("name=!!binary aGVsbG8=,x", "is not allowed"),
    ("name=!!set {a},x", "is not allowed"),
    ("levers.mobilization_order=1941-08-01:1941-07-01:7d", "START is after END"),
    (
        "levers.mobilization_order=1941-07-01:1941-13-01:7d",
        "START and END must both be dates YYYY-MM-DD",
    ),
    ("levers.mobilization_order=1941-07-01:1941-08-01:xd", "date step 'xd' must be days or weeks"),
    ("levers.mobilization_order=1941-07-01:1941-08-01:0d", "the step must be positive"),
    ("levers.mobilization_order=1941-07-01:1941-08-01:1m", "date step '1m' must be days or weeks"),
]


@pytest.mark.parametrize(("vary", "message"), BAD_VARIES)
@pytest.mark.usefixtures("never_solve")
def test_a_malformed_vary_is_one_line_and_no_store(tmp_path: Path, vary: str, message: str) -> None:
    store = tmp_path / "sweep.sqlite"
    [line] = assert_bad_input(run("sweep", CASE, "--vary", vary, "--store", str(store)), lines=1)
    assert line.startswith(f"Error: --vary: {vary[:20]}") and message in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("varies", "expected"),
    [
        (
            ["levers.nope=1,2"],
            "Error: --vary: levers.nope: 'nope' is not a field of levers (with --vary "
            "levers.nope=1)",
        ),
        (
            ["units.nowhere.men=1,2"],
            "Error: --vary: units.nowhere.men: no unit 'nowhere' (with --vary units.nowhere.men=1)",
        ),
        (
            ["levers.north_share=0.5,1.5"],
            "Error: --vary: levers.north_share: input should be less than or equal to 1 "
            "(with --vary levers.north_share=1.5)",
        ),
        (
            ["levers.mobilization_order=1941-06-01:1941-07-01:10d"],
            "Error: --vary: levers.mobilization_order: order 1941-06-01 is before the calendar "
            "start 1941-07-01",
        ),
        (
            ["levers.north_share=0.5", "levers.north_share=0.7"],
            "Error: --vary: levers.north_share is given twice",
        ),
        (
            ["levers=0.5", "levers.north_share=0.5"],
            "Error: --vary: levers and levers.north_share touch the same field",
        ),
    ],
)
@pytest.mark.usefixtures("never_solve")
def test_a_vary_the_case_refuses_is_one_line(
    tmp_path: Path, varies: list[str], expected: str
) -> None:
    """Unknown levers and values the case refuses fail before anything is solved or stored."""
    store = tmp_path / "sweep.sqlite"
    args = [a for v in varies for a in ("--vary", v)]
    [line] = assert_bad_input(run("sweep", CASE, *args, "--store", str(store)), lines=1)
    assert line.startswith(expected), line
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A result of the mini case saved by `solve --json -o`."""
    path = tmp_path_factory.mktemp("saved") / "result.json"
    result = run("solve", CASE, *FAST, "--json", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


def _files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "bad-json.json": '{"case": ',
        "not-a-result.json": '{"hello": 1}',
        "list.json": "[1, 2]",
    }
    out = {name: tmp_path / name for name in files}
    for name, text in files.items():
        out[name].write_text(text)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"case": "caf\xe9"}')
    out["latin.json"] = latin
    return out


@pytest.mark.usefixtures("never_solve")
def test_compare_refuses_what_it_cannot_compare(tmp_path: Path, saved: Path) -> None:
    files = _files(tmp_path)
    cases = [
        ([str(saved)], f"Error: {saved}: one result alone cannot be compared"),
        ([CASE], f"Error: {CASE}: name the scenarios to compare"),
        (
            [CASE, CASE, "-s", "small-pool"],
            "Error: <input>: compare takes one case file with --scenario options",
        ),
        (
            [str(saved), str(saved), "-s", "small-pool"],
            f"Error: {saved}: --scenario and --set apply to a case file, not to saved results",
        ),
        (
            [str(saved), str(saved), "--set", "levers.north_share=0.5"],
            f"Error: {saved}: --scenario and --set apply to a case file",
        ),
        (
            [str(saved), str(tmp_path / "missing.json")],
            f"Error: {tmp_path / 'missing.json'}: file not found",
        ),
        (
            [str(saved), str(files["bad-json.json"])],
            f"Error: {files['bad-json.json']}:1: not valid JSON",
        ),
        ([str(saved), str(files["not-a-result.json"])], f"Error: {files['not-a-result.json']}: "),
        ([str(saved), str(files["list.json"])], f"Error: {files['list.json']}: "),
        ([str(saved), str(files["latin.json"])], f"Error: {files['latin.json']}: not valid UTF-8"),
        ([CASE, "-s", "small-pool", "-s", "nope"], f"Error: {CASE}: unknown scenario 'nope'"),
    ]
    for args, start in cases:
        [line] = assert_bad_input(run("compare", *args), lines=1)
        assert line.startswith(start), (args, line)


def test_compare_refuses_a_deeply_nested_result(tmp_path: Path, saved: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert_bad_input(run("compare", str(saved), str(deep)), lines=1)


# Result files edited by hand or damaged: models.plan.Result types its nested parts as plain
# dicts, so readers meet missing keys and wrong types after validation has passed.
DAMAGED = [
    (
        "overrides entry without path",
        lambda r: r["overrides"].append({"value": 1, "origin": "--set"}),
    ),
    ("force ratio without soviet", lambda r: r["force_ratio"]["east"].pop("soviet")),
    ("lever of the wrong type", lambda r: r["levers"].update(withdrawal_scale="fast")),
    ("unit without id", lambda r: r["units"][0].pop("id")),
    ("unit date not a date", lambda r: r["units"][0].update(sail="soon")),
    ("usage of the wrong type", lambda r: r["usage"].update(ports=1.5)),
]


@pytest.mark.parametrize(("what", "damage"), DAMAGED, ids=[d[0] for d in DAMAGED])
@pytest.mark.parametrize("reader", ["compare", "report"])
def test_a_damaged_result_file_is_named(
    tmp_path: Path, saved: Path, reader: str, what: str, damage: object
) -> None:
    data = json.loads(saved.read_text())
    damage(data)  # type: ignore[operator]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    args = (
        ["compare", str(saved), str(broken)]
        if reader == "compare"
        else ["report", str(saved), str(broken), "--format", "md"]
    )
    assert_bad_input(run(*args), broken)


@pytest.mark.usefixtures("never_solve")
def test_breakeven_refuses_levers_it_cannot_search(tmp_path: Path) -> None:
    cases = [
        (
            ["--lever", "levers.nope"],
            f"Error: {CASE}: --lever levers.nope: no such field in the case",
        ),
        (["--lever", ""], f"Error: {CASE}: --lever : no such field in the case"),
        (
            ["--lever", "units.home_div.moves.5.rail"],
            f"Error: {CASE}: --lever units.home_div.moves.5.rail: no such",
        ),
        (
            ["--lever", "name"],
            f"Error: {CASE}: --lever name: the field holds str values, not a number or a date",
        ),
        (
            ["--lever", "shipping.pool.0.tons"],
            f"Error: {CASE}: --lever shipping.pool.0.tons: give --range LO:HI",
        ),
    ]
    for args, start in cases:
        [line] = assert_bad_input(run("breakeven", CASE, *args, *FAST), lines=1)
        assert line.startswith(start), (args, line)


def test_breakeven_range_the_case_refuses(tmp_path: Path) -> None:
    """A range whose end the field refuses is bad input, found before the search's first solve."""
    result = run(
        "breakeven", CASE, "--lever", "units.home_div.men", "--range", f"0:{'9' * 30}", *FAST
    )
    [line] = assert_bad_input(result, lines=1)
    assert line.startswith(
        "Error: breakeven: units.home_div.men: input should be less than or equal to 1000000000"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lever", "levers.withdrawal_scale", "--range", "5:1"], "must be below the high end"),
        (["--lever", "levers.withdrawal_scale", "--range", "a:b"], "'a' is not a number"),
        (["--lever", "levers.withdrawal_scale", "--range", "nan:inf"], "'nan' is not a number"),
        (["--lever", "levers.withdrawal_scale", "--target", "soon"], "is not a target"),
        (
            ["--lever", "levers.withdrawal_scale", "--target", "x-day<=1941-13-01"],
            "is not a target",
        ),
        (["--lever", "levers.withdrawal_scale", "--tolerance", "0"], "0.0 is not in the range x>0"),
        (
            ["--lever", "levers.north_share", "--range", "0:2"],
            "a North share range lies within 0..1",
        ),
    ],
)
@pytest.mark.usefixtures("never_solve")
def test_breakeven_option_values_are_usage_errors_with_one_error_line(
    args: list[str], message: str
) -> None:
    """Malformed --range/--target/--tolerance: exit 2 (usage), click's usage text and ONE Error
    line."""
    result = run("breakeven", CASE, *args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [line for line in error_lines(result) if line.startswith("Error")]
    assert len(errors) == 1 and message in errors[0], result.stderr


@pytest.mark.usefixtures("never_solve")
def test_report_refuses_what_it_cannot_read(tmp_path: Path, saved: Path) -> None:
    files = _files(tmp_path)
    not_a_store = tmp_path / "store.sqlite"
    not_a_store.write_bytes(b"not a database at all" * 100)
    cases = [
        (
            [str(files["bad-json.json"]), "--format", "md"],
            f"Error: {files['bad-json.json']}:1: not valid JSON",
        ),
        (
            [str(files["latin.json"]), "--format", "md"],
            f"Error: {files['latin.json']}: not a text file",
        ),
        ([str(saved), "-s", "small-pool", "--format", "md"], None),  # usage error, below
        (
            ["--store", str(tmp_path / "missing.sqlite"), "--format", "md"],
            f"Error: {tmp_path / 'missing.sqlite'}: file not found",
        ),
        (
            ["--store", str(not_a_store), "--format", "md"],
            f"Error: {not_a_store}: cannot read as a sweep store",
        ),
        (["--store", CASE, "--format", "md"], f"Error: {CASE}: cannot read as a sweep store"),
    ]
    for args, start in cases:
        result = run("report", *args)
        if start is None:
            assert result.exit_code == 2
            continue
        [line] = assert_bad_input(result, lines=1)
        assert line.startswith(start), (args, line)


@pytest.mark.parametrize("name", ["solve", "explain", "compare", "breakeven", "report", "sweep"])
@pytest.mark.usefixtures("never_solve")
def test_an_output_in_a_missing_folder_fails_before_solving(tmp_path: Path, name: str) -> None:
    """`-o missing/file`: one line naming the file (not a temporary name), and nothing solved."""
    args, option = COMMANDS[name]
    target = tmp_path / "missing" / "out.txt"
    extra = ["--store", str(tmp_path / "s.sqlite")] if name == "sweep" else []
    [line] = assert_bad_input(run(*args, *extra, str(option), str(target)), lines=1)
    assert line == f"Error: {target}: folder {target.parent} does not exist (create it first)"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("never_solve")
def test_a_sweep_store_in_a_missing_folder_fails_before_solving(tmp_path: Path) -> None:
    store = tmp_path / "missing" / "s.sqlite"
    [line] = assert_bad_input(
        run("sweep", CASE, "--vary", "levers.north_share=0.5", "--store", str(store)), lines=1
    )
    assert line == f"Error: {store}: folder {store.parent} does not exist (create it first)"


@pytest.mark.parametrize(
    "args",
    [
        ["solve"],
        ["solve", CASE, "--time-limit", "-3"],
        ["solve", CASE, "--format", "pdf"],
        ["solve", CASE, "--nope"],
        ["explain", CASE, "--max-conflicts", "0"],
        ["compare"],
        ["breakeven", CASE],
        ["report", CASE],
        ["sweep", CASE, "--store", "s.sqlite"],
        ["sweep", "--store", "s.sqlite", "--vary", "levers.north_share=1"],
        ["nope"],
    ],
)
def test_usage_errors_are_exit_2_with_one_error_line(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert len([line for line in error_lines(result) if line.startswith("Error")]) == 1, (
        result.stderr
    )


def test_the_mini_case_itself_is_accepted_by_every_command_here() -> None:
    """The bad-input tests above start from a case every command accepts (validate is enough:
    the others load it the same way, and their own tests solve it)."""
    assert run("validate", CASE).exit_code == 0
    assert "scenarios:" in MINI_TEXT


def test_a_store_with_a_damaged_point_is_named(tmp_path: Path) -> None:
    store = tmp_path / "sweep.sqlite"
    made = run(
        "sweep", CASE, "--vary", "levers.north_share=1", "--workers", "1", "--store", str(store)
    )
    assert made.exit_code == 0, made.output
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE points SET levers = '{damaged'")
    conn.close()
    [line] = assert_bad_input(run("sweep", "--store", str(store)), lines=1)
    assert line.startswith(f"Error: {store}")
