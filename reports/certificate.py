"""A no-go's certificate in words: which X-Days each reason rules out, with its arithmetic."""

from __future__ import annotations

import datetime as dt

from kantokuen.models.plan import Exclusion, RequiredBy, Result


def _date(result: Result, day: int) -> str:
    date = dt.date.fromisoformat(result.calendar_start) + dt.timedelta(days=day)
    return f"{date.day} {date:%b %Y}"


def _days(result: Result, ex: Exclusion) -> str:
    first, last = _date(result, ex["first"]), _date(result, ex["last"])
    return f"X-Day {first}" if first == last else f"X-Day {first} – {last}"


def _witness(result: Result, witness: RequiredBy) -> str:
    when = _date(result, witness.get("day", 0))
    if "unit" in witness:
        return f"{witness['unit']} cannot arrive before {when} even with every resource free"
    kind, _, name = witness.get("facility", "").partition(":")
    facility = {
        "embark": f"port {name} (loading)",
        "debark": f"port {name} (unloading)",
        "rail": f"rail line {name}",
    }.get(kind, name)
    units = witness.get("units", [])
    return (
        f"the {len(units)} required unit{'s' if len(units) != 1 else ''} that must pass "
        f"{facility} cannot all arrive before {when}"
    )


def _reason(result: Result, ex: Exclusion) -> str:
    numbers = ex.get("numbers", {})
    witness = result.certificate.get("required_by", {}) if result.certificate else {}
    rule = ex["rule"]
    if rule == "halving":
        measure = ex.get("measure")
        what, unit = (f"{measure}", measure) if measure else ("strength", "div.-eq.")
        return (
            f"Soviet Far East {what} on the decision day stays above the halving limit "
            f"(at the latest: {_count(numbers.get('soviet', 0))} of "
            f"{_count(numbers.get('initial', 0))} {unit})"
        )
    if rule == "armour_air":
        measures = [m for m in numbers if not m.endswith("_initial") and m + "_initial" in numbers]
        counts = [
            f"{m} {_count(numbers[m])} of {_count(numbers[m + '_initial'])}" for m in measures
        ]
        return (
            f"Soviet Far East {' or '.join(measures)} on the decision day stay above the "
            f"armour-and-air limit (at the latest: {', '.join(counts)})"
        )
    if rule == "force_ratio":
        return (
            f"on the {ex.get('front', '?')} front, even every unit arriving as early as it "
            f"could brings {numbers.get('arrived', 0) / 1000:g} div.-eq. of the "
            f"{numbers.get('needed', 0) / 1000:g} needed (at the latest)"
        )
    if rule in ("movement", "required_arrivals"):
        prefix = "no plan fits the horizon: " if rule == "movement" else "too early: "
        return prefix + _witness(result, witness)
    return {
        "decision_before_start": "the decision day would fall before the calendar start",
        "south_readiness": "the South's shipping requirements cannot be met at this North share",
        "decision_deadline": "the decision would come after the decision deadline",
        "weather": "the campaign would end after the weather deadline",
    }.get(rule, rule)


def _count(thousandths: int) -> str:
    """A stated number in thousandths of its unit, as read: 25.5, 2,310."""
    return f"{thousandths / 1000:,.3f}".rstrip("0").rstrip(".")


def certificate_lines(result: Result) -> list[str]:
    """One line per excluded range of X-Days, or why there is no certificate to show."""
    cert = result.certificate
    if cert is None:
        return []
    if cert.get("kind") in ("full_model", "flow_relaxation"):
        return [f"Not verified: {result.verification or cert.get('note', '')}"]
    head = "Proof of no-go, checked by the verifier:" if result.verified else "Proof of no-go:"
    return [head] + [
        f"{_days(result, ex)}: {_reason(result, ex)}" for ex in cert.get("exclusions", [])
    ]
