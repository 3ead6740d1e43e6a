"""SARIF 2.1.0 and GitHub workflow annotations of findings."""

from __future__ import annotations

from gitupgrade.integration.annotations import to_annotations
from gitupgrade.integration.findings import Finding
from gitupgrade.integration.sarif import to_sarif

CYCLE = Finding(
    rule="circular_import",
    title="Import cycle",
    message="import cycle pkg.a -> pkg.b -> pkg.a",
    path="pkg/a.py",
    line=3,
    fingerprint="f1",
    risk_level="low",
    suggestion_id="circular_import-1",
)
DUP = Finding(
    rule="duplicate_pattern",
    title="Duplicate",
    message="duplicated code, 50% of it: a,b",
    path="pkg/b.py",
    line=10,
    fingerprint="f2",
    risk_level="low",
)


def test_sarif_has_the_required_fields_for_each_result() -> None:
    log = to_sarif([CYCLE, DUP], failing_rules=["circular_import"], revision="c" * 40)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gitupgrade"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert [(r["ruleId"], r["level"], r["message"]["text"]) for r in run["results"]] == [
        ("circular_import", "error", "import cycle pkg.a -> pkg.b -> pkg.a"),
        ("duplicate_pattern", "warning", "duplicated code, 50% of it: a,b"),
    ]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] in ("pkg/a.py", "pkg/b.py")
        assert physical["region"]["startLine"] >= 1
    assert run["results"][0]["partialFingerprints"] == {"gitupgrade/v1": "f1"}


def test_github_annotations_escape_properties_and_data() -> None:
    assert to_annotations([CYCLE, DUP], failing_rules=["circular_import"]) == [
        "::error file=pkg/a.py,line=3,title=circular_import::import cycle pkg.a -> pkg.b -> pkg.a",
        "::warning file=pkg/b.py,line=10,title=duplicate_pattern::duplicated code, 50%25 of it: a,b",
    ]
    odd = Finding(
        rule="god_module",
        title="t",
        message="two\nlines",
        path="a,b:c.py",
        line=1,
        fingerprint="f3",
        risk_level="medium",
    )
    assert to_annotations([odd], failing_rules=[]) == [
        "::warning file=a%2Cb%3Ac.py,line=1,title=god_module::two%0Alines"
    ]
