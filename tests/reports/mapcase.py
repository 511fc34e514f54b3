"""The teaching case `two_divisions` (which gives coordinates: Moji and Pusan as in the
historical case, the Korean division's depot at Keijo, the eastern front's concentration area
at Mudanjiang and the front at Khabarovsk), for the map and export tests. Worked by hand: two
home divisions of 8,000 t sail Moji-Pusan on days 4 and 5 (the port loads one a day) and arrive
on days 7 and 8 (9 Jul 1941 is X-Day); the Korean division of 6,000 t entrains on day 2 and
arrives on day 5."""

from __future__ import annotations

from pathlib import Path

from .conftest import ROOT, SCRIPT, TEACHING

NO_COORDINATES = ROOT / "cases" / "teaching" / "shared_shipping.yaml"


def mapped_yaml(tmp: Path, hostile: bool = False) -> Path:
    """A copy of the teaching case; `hostile`: with HTML in a port's and the front's names."""
    text = TEACHING.read_text()
    if hostile:
        text = text.replace("{name: Moji,", f'{{name: "{SCRIPT}",', 1)
        text = text.replace("name: Eastern front", 'name: "East <b>front</b> & co"')
    path = tmp / ("hostile_map.yaml" if hostile else "map.yaml")
    path.write_text(text)
    return path
