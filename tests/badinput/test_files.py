"""Files that are not case files, or not safe ones: one `Error:` line each, exit 1, no traceback.

YAML syntax errors, bytes that are not UTF-8, empty files, directories, files over the size
limit (refused before they are parsed), alias bombs, Python object tags, huge numbers, NaN and
infinity, deep nesting and control characters — through `validate` and `solve`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

import kantokuen.models.loader
from kantokuen.models.loader import MAX_DEPTH, MAX_FILE_BYTES
from tests.badinput.support import FAST, MINI_TEXT, assert_bad_input, located, run


def bad(tmp_path: Path, content: str | bytes, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def one_error(*args: str | Path) -> str:
    """The single `Error:` line of a command that must fail on bad input."""
    [line] = assert_bad_input(run(*map(str, args)), lines=1)
    return line


def replaced(old: str, new: str) -> str:
    assert MINI_TEXT.count(old) == 1, old
    return MINI_TEXT.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "name: [unclosed\ncalendar: {}\n",
            2,
            "YAML syntax error: expected ',' or ']', but got ':'",
        ),
        ("name: x\n  calendar: 1\n", 2, "YAML syntax error: mapping values are not allowed here"),
        (
            "name: x\n\tcalendar: 1\n",
            2,
            "YAML syntax error: found character '\\t' that cannot start any token",
        ),
        ("name: 'open quote\n", 2, "YAML syntax error: found unexpected end of stream"),
        ("a: 1\n---\nb: 2\n", 2, "YAML syntax error: but found another document"),
        ("name: *nowhere\n", 1, "YAML syntax error: found undefined alias 'nowhere'"),
        ("- just\n- a list\n", 1, "a case file must be a mapping of sections"),
        ("just text\n", 1, "a case file must be a mapping of sections"),
    ],
)
def test_yaml_that_is_not_a_case_names_the_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    """Broken YAML (or YAML that is not a mapping) is one line with the line number."""
    path = bad(tmp_path, text)
    for command in ("validate", "solve"):
        assert one_error(command, path).startswith(f"Error: {path}:{line}: {message}")


def test_a_syntax_error_deep_in_the_mini_case(tmp_path: Path) -> None:
    """A missing colon in the middle of a real case points at its line."""
    path = bad(tmp_path, replaced("    lift_tons: 6000\n", "    lift_tons 6000\n"))
    line = MINI_TEXT.splitlines().index("    lift_tons: 6000") + 1
    assert one_error("validate", path).startswith(f"Error: {path}:{line + 1}: YAML syntax error: ")


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"name: mini\ntitle: caf\xe9\n", 2),  # Latin-1
        (b"\xff\xfe" + "name: mini\n".encode("utf-16-le"), 1),  # UTF-16
        (
            MINI_TEXT.encode()[:200] + b"\x80\x81" + MINI_TEXT.encode()[200:],
            MINI_TEXT[:200].count("\n") + 1,
        ),
    ],
)
def test_bytes_that_are_not_utf8_name_the_line(tmp_path: Path, content: bytes, line: int) -> None:
    path = bad(tmp_path, content)
    assert one_error("validate", path).startswith(f"Error: {path}:{line}: not valid UTF-8 (byte ")


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    """Editors on Windows write a BOM: the case still loads."""
    path = bad(tmp_path, b"\xef\xbb\xbf" + MINI_TEXT.encode())
    assert run("validate", str(path)).exit_code == 0


@pytest.mark.parametrize("content", ["", "\n\n  \n", "# only a comment\n", "---\n"])
def test_an_empty_file(tmp_path: Path, content: str) -> None:
    path = bad(tmp_path, content)
    assert one_error("solve", path).startswith(f"Error: {path}:1: ")


def test_a_directory_instead_of_a_file(tmp_path: Path) -> None:
    for command in ("validate", "solve", "explain"):
        assert (
            one_error(command, tmp_path)
            == f"Error: {tmp_path}: is a directory, not a case file (give a .yaml file)"
        )


def test_a_missing_file() -> None:
    assert (
        one_error("validate", "no/such/case.yaml")
        == "Error: no/such/case.yaml: file not found (check the path)"
    )


def test_a_50_mb_file_is_refused_by_its_size_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """50 MB of valid YAML (one long comment) is refused for its size; the parser never sees it."""
    path = tmp_path / "big.yaml"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(MINI_TEXT)
        chunk = "# " + "x" * (2**20 - 3) + "\n"
        for _ in range(50):
            handle.write(chunk)
    assert path.stat().st_size > 50 * 2**20

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the 50 MB file was parsed")

    monkeypatch.setattr(kantokuen.models.loader.yaml, "compose", never)
    line = one_error("validate", path)
    assert line == (
        f"Error: {path}: file is 50.0 MB; case files are limited to {MAX_FILE_BYTES // 2**20} MB "
        "(use `count:` to describe many identical units)"
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_stream_is_read_only_up_to_the_limit() -> None:
    """/dev/zero reports size 0 and never ends: reading stops at the limit (was: out of memory)."""
    line = one_error("validate", "/dev/zero")
    assert line.startswith("Error: /dev/zero: file holds more than 10 MB, the limit for case files")


def billion_laughs(levels: int = 9, width: int = 9, mapping: bool = False) -> str:
    """The classic alias bomb: each level repeats the previous one `width` times (9^9 leaves)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        refs = [f"*a{i - 1}"] * width
        body = (
            "{" + ", ".join(f"k{j}: {r}" for j, r in enumerate(refs)) + "}"
            if mapping
            else "[" + ", ".join(refs) + "]"
        )
        lines.append(f"a{i}: &a{i} {body}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        billion_laughs(),
        billion_laughs(mapping=True),
        billion_laughs(levels=30, width=2),
        # the bomb inside a scenario's overrides, where any value is allowed
        MINI_TEXT.rstrip("\n")
        + "\n  bomb:\n    overrides:\n      name: &b0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"      units.u{i}.name: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]\n"
            for i in range(1, 8)
        ),
        # a list that contains itself
        "name: &a [*a]\n",
    ],
)
def test_alias_bombs_fail_with_the_alias_message(tmp_path: Path, text: str) -> None:
    path = bad(tmp_path, text)
    line = one_error("validate", path)
    assert "YAML aliases expand to too many values (alias bomb?)" in line, line
    assert line.startswith(f"Error: {path}:")


def test_aliases_within_the_limit_are_fine(tmp_path: Path) -> None:
    """Anchors and aliases are plain YAML: a case may reuse a value (here a move)."""
    text = replaced(
        "    moves: [{sea: moji_pusan, rail: pusan_front}]",
        "    moves: [&home_move {sea: moji_pusan, rail: pusan_front}]",
    )
    text = text.replace(
        "scenarios:\n",
        "scenarios:\n  reuse:\n    overrides:\n      units.korea_div.name: *home_move\n",
        1,
    )
    path = bad(tmp_path, text)
    assert run("validate", str(path), "--scenario", "north-70").exit_code == 0
    # the alias lands in a name: a located type error, not a crash
    assert "units.korea_div.name: input should be a valid string" in one_error(
        "solve", path, "--scenario", "reuse"
    )


PYTHON_TAGS = [
    ("name: !!python/object:os.system {}\n", "python/object:os.system"),
    ("name: !!python/object/apply:os.system ['touch {out}']\n", "python/object/apply:os.system"),
    ("name: !!python/object/new:os.system ['touch {out}']\n", "python/object/new:os.system"),
    ("name: !!python/name:os.system\n", "python/name:os.system"),
    ("name: !!python/module:os\n", "python/module:os"),
    ("name: !!python/tuple [1, 2]\n", "python/tuple"),
    ("!!python/object:models.case.Case\nname: x\n", "python/object:models.case.Case"),
    ("name: !!binary aGVsbG8=\n", "binary"),
    ("name: !!set {a, b}\n", "set"),
    ("name: !!omap [{a: 1}]\n", "omap"),
    ("name: !custom x\n", "!custom"),
]


@pytest.mark.parametrize(("text", "tag"), PYTHON_TAGS)
def test_object_tags_are_refused_on_values_and_mappings(
    tmp_path: Path, text: str, tag: str
) -> None:
    """No YAML tag builds anything: on a value, a list or a mapping it is one located line, and
    the command it would run never runs."""
    out = tmp_path / "pwned"
    path = bad(tmp_path, text.replace("{out}", str(out)))
    line = one_error("validate", path)
    where = "" if text.startswith("!!") else "name: "
    assert line.startswith(f"Error: {path}:1: {where}tag "), line
    assert tag in line and line.endswith("is not allowed (case files hold plain data only)")
    assert not out.exists()


def test_a_tag_deep_in_a_real_case_names_its_field(tmp_path: Path) -> None:
    path = bad(
        tmp_path,
        replaced(
            "    men: 20000\n    lift_tons: 8000",
            "    men: !!python/object:builtins.int {}\n    lift_tons: 8000",
        ),
    )
    line_no = MINI_TEXT.splitlines().index("    lift_tons: 8000")
    assert one_error("solve", path, *FAST).startswith(
        located(path, line_no, "units.home_div.men") + "tag "
    )


def test_merge_keys_and_complex_keys_are_refused(tmp_path: Path) -> None:
    path = bad(tmp_path, "base: &b {x: 1}\nname:\n  <<: *b\n? [a, b]\n: 1\n")
    lines = assert_bad_input(run("validate", str(path)), path, 2)
    assert lines[0].startswith(f"Error: {path}:3: name: merge keys (`<<`) are not supported")
    assert lines[1].startswith(f"Error: {path}:4: a key must be a plain name, got a list")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("10000000000000001", "10000000000000001"),
        ("-99999999999999999999", "-99999999999999999999"),
        ("0x" + "f" * 40, "0x" + "f" * 35 + "..."),
        ("9" * 5000, "9" * 37 + "..."),
        ("1_000_000_000_000_000_000", "1_000_000_000_000_000_000"),
    ],
)
def test_huge_integers_are_too_large(tmp_path: Path, value: str, shown: str) -> None:
    """Integers beyond 10^15 (where CP-SAT's 62-bit sums are at risk): one line, shortened."""
    path = bad(
        tmp_path,
        replaced("    men: 20000\n    lift_tons: 8000", f"    men: {value}\n    lift_tons: 8000"),
    )
    line_no = MINI_TEXT.splitlines().index("    lift_tons: 8000")
    expected = (
        located(path, line_no, "units.home_div.men")
        + f"number {shown} is too large (at most 1,000,000,000,000,000)"
    )
    assert one_error("validate", path) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        *(
            (v, f"{v} is not a finite number")
            for v in (".nan", ".NaN", ".inf", "-.Inf", "+.INF", "1.0e+400", "-1.0e+999")
        ),
        (
            "1e400",
            "input should be a finite number",
        ),  # YAML 1.1 reads this as text; pydantic as infinity
        ("'NaN'", "input should be a finite number"),
    ],
)
def test_nan_and_infinity_are_not_numbers(tmp_path: Path, value: str, message: str) -> None:
    path = bad(tmp_path, replaced("withdrawal_scale: 1.0", f"withdrawal_scale: {value}"))
    line_no = MINI_TEXT.splitlines().index("  withdrawal_scale: 1.0") + 1
    assert (
        one_error("validate", path)
        == located(path, line_no, "levers.withdrawal_scale") + f"{message} (give a plain number)"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name: " + "[" * 10_000 + "]" * 10_000 + "\n", 1),
        ("name: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n", 1),
        ("name:\n" + "".join("  " * i + "k:\n" for i in range(1, 2_000)), MAX_DEPTH),
        ("name:\n" + "".join("  " * i + "- \n" for i in range(1, 500)), MAX_DEPTH + 1),
    ],
    ids=["flow lists", "flow mappings", "block mappings", "block lists"],
)
def test_deep_nesting_fails_before_the_parser_recurses(
    tmp_path: Path, text: str, line: int
) -> None:
    """Thousands of nested lists or mappings: one line, not a RecursionError."""
    path = bad(tmp_path, text)
    assert one_error("validate", path).startswith(
        f"Error: {path}:{line}: values nest more than {MAX_DEPTH} levels deep"
    )


@pytest.mark.parametrize(
    ("char", "code"), [("\x00", "0000"), ("\x07", "0007"), ("\x1b", "001B"), ("\ufffe", "FFFE")]
)
def test_control_characters_are_located(tmp_path: Path, char: str, code: str) -> None:
    path = bad(tmp_path, replaced("name: Korea division", f"name: Korea{char}division"))
    line_no = MINI_TEXT.splitlines().index("    name: Korea division") + 1
    assert one_error("validate", path) == (
        f"Error: {path}:{line_no}: character U+{code} is not allowed in YAML "
        "(remove control characters from the file)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!bool maybe", "cannot read value 'maybe' as true or false (write true or false)"),
        ("!!int ''", "cannot read value '' as a whole number (write a plain whole number)"),
        ("!!int 12abc", "cannot read value '12abc' as a whole number (write a plain whole number)"),
        ("!!float lots", "cannot read value 'lots' as a number (write a plain number)"),
        ("!!timestamp soon", "cannot read value 'soon' as a date (write a date as YYYY-MM-DD)"),
        (
            "1941-02-30",
            "cannot read value '1941-02-30': day is out of range for month (write a date as "
            "YYYY-MM-DD)",
        ),
        (
            "1941-07-01 12:00:00",
            "unsupported value '1941-07-01 12:00:00' (use a number, text or date)",
        ),
    ],
)
def test_values_yaml_cannot_build_are_located(tmp_path: Path, value: str, message: str) -> None:
    """Explicit plain tags on odd text made PyYAML raise KeyError/AttributeError/IndexError (exit
    5)."""
    path = bad(tmp_path, replaced("mobilization_order: 1941-07-01", f"mobilization_order: {value}"))
    line_no = MINI_TEXT.splitlines().index("  mobilization_order: 1941-07-01") + 1
    assert (
        one_error("validate", path) == located(path, line_no, "levers.mobilization_order") + message
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "horizon_days: 60",
            "horizon_days: true",
            "calendar.horizon_days",
            "input should be a number, not true",
        ),
        (
            "  start: 1941-07-01",
            "  start: 0",
            "calendar.start",
            "input should be a date YYYY-MM-DD, not the number 0",
        ),
        (
            "  start: 1941-07-01",
            "  start: 86400",
            "calendar.start",
            "input should be a date YYYY-MM-DD, not the number 86400",
        ),
        (
            "north_share: 1.0",
            "north_share: false",
            "levers.north_share",
            "input should be a number, not false",
        ),
    ],
)
def test_true_false_and_numbers_are_not_read_as_something_else(
    tmp_path: Path, old: str, new: str, path: str, message: str
) -> None:
    """pydantic would read `true` as 1 and 86400 as 1970-01-02: both are refused."""
    file = bad(tmp_path, replaced(old, new))
    line_no = next(
        i for i, text in enumerate(MINI_TEXT.splitlines(), 1) if text.endswith(old.strip())
    )
    assert one_error("validate", file).startswith(located(file, line_no, path) + message)


def test_safe_yaml_only_even_for_a_case_that_otherwise_loads(tmp_path: Path) -> None:
    """The mini case itself, dumped and re-read by PyYAML, still validates (the tests above only
    break what they mean to break)."""
    path = bad(tmp_path, yaml.safe_dump(yaml.safe_load(MINI_TEXT), sort_keys=False))
    assert run("validate", str(path)).exit_code == 0
