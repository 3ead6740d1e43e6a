"""Proof on real code: run ``git upgrade scan`` and ``git upgrade run --all`` on corpus projects.

For each project of ``../shared/corpus/manifest.json`` (default: all): fetch the
sdist, unpack it, install it editable into a cached virtualenv, commit a copy into a
fresh repository whose ``config.yaml`` auto-approves every risk level and runs the
project's own tests, then scan, run every upgrade, rescan the final main and run the
project's own tests on it; with ``--rounds N``, a round that merged something is followed
by the next scheduled round (rescan, run again), up to N rounds. Prints a table per
project, the totals against the targets of issue 5 (no regression; >= 90% of attempted upgrades merge; at least half of the
god classes, god modules and module-level cycles gone), every failure and refusal in
full, and the same table as markdown. Asserts nothing.

    python benchmarks/corpus_bench.py [NAME...] [--rounds N] [--max-upgrades N] [--keep DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_lib import (  # noqa: E402
    SMELL_TYPES,
    ProjectResult,
    SetupError,
    bench_config,
    git,
    load_manifest,
    make_repo,
    prepare,
    run_tests,
    smells,
    surface_changes,
    tool,
    upgrade_types,
)

TYPE_ABBREV = {
    "god_class": "GC",
    "god_module": "GM",
    "circular_import": "CI",
    "duplicate_pattern": "DP",
    "complex_function": "CF",
    "architectural_violation": "AV",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def shorten(detail: str, width: int = 66) -> str:
    """A refusal reason without the names and numbers that make every instance unique."""
    text = (detail or "").split(";")[0].strip()
    head, sep, rest = text.partition(": ")
    if sep and (head.startswith("group ") or " " not in head.strip()):
        text = rest  # "group A, B, C: uses X ..." / "pkg.mod.f: both copies ..." -> the reason itself
    if text.count("(") > text.count(")"):  # the ";" split cut a parenthesis: drop its start
        text = text[: text.rfind(" (")] if " (" in text else text
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text)
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", "…", text)
    text = re.sub(r"(?<![\w.-])(?=[\w.]*[._])[A-Za-z_][\w.]*", "X", text)
    text = re.sub(
        r"(?:(?<=\buses )|(?<=\bdefines )|(?<=\breads ))(?!or\b)[\w.]+(?:, (?!which\b)[\w.]+)*", "X", text
    )  # name lists
    text = re.sub(r"\b\d+\b", "N", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def run_round(result: ProjectResult, repo: Path, venv: Path, args: list[str], round_no: int) -> int:
    """One ``git upgrade run`` and the rescan after it; returns how many upgrades it merged."""
    name = result.name
    code, report, err = tool(repo, venv, *args)
    if report is None:
        raise SetupError(f"run exited {code}: {err[-1500:]}")
    types = upgrade_types(repo)
    for outcome in report["upgrades"]:
        suggestion = types.get(outcome["upgrade_id"], {})
        outcome["type"] = suggestion.get("type", "?")
        outcome["title"] = suggestion.get("title", "")
        outcome["round"] = round_no
    result.outcomes += report["upgrades"]
    result.rounds = round_no
    result.run_messages += report.get("messages", [])
    result.baseline_failure = result.baseline_failure or report.get("baseline_failure")
    merged_now = [o for o in report["upgrades"] if o["status"] == "merged"]
    log(
        f"{name}: round {round_no}: {len(report['upgrades'])} upgrades run, {len(merged_now)} merged; "
        f"rescanning the final main"
    )
    dirty = git(repo, "status", "--porcelain", "--untracked-files=no").strip()
    if dirty:
        result.run_messages.append(f"main checkout dirty after run: {dirty[:300]}")
    code, rescan, err = tool(repo, venv, "scan", "--json", "--rev", "HEAD")
    if rescan is None:
        raise SetupError(f"rescan exited {code}: {err[-1500:]}")
    result.smells_after = smells(rescan)
    result.queued_after = len(rescan["queue"]["queued"])
    # Idempotence: a rescan must not propose again what was merged.
    proposed = upgrade_types(repo)
    merged_titles = {(o["type"], o["title"]) for o in merged_now}
    for upgrade_id in rescan["queue"]["queued"]:
        suggestion = proposed.get(upgrade_id, {})
        if (suggestion.get("type"), suggestion.get("title")) in merged_titles:
            result.run_messages.append(
                f"re-proposed after its merge (idempotence): {suggestion.get('type')} "
                f"{suggestion.get('title')} as {upgrade_id}"
            )
    return len(merged_now)


def run_project(project: dict[str, Any], max_upgrades: int | None, keep: Path | None, rounds: int = 1) -> ProjectResult:
    """Set up, scan, upgrade, rescan and test one project."""
    name = project["name"]
    result = ProjectResult(name, baseline=project["baseline"])
    started = time.monotonic()
    where = Path(tempfile.mkdtemp(prefix=f"corpus-{name}-", dir=keep))
    try:
        source, venv = prepare(project, log)
        time_s = float(project["baseline"].get("time_s") or 30)
        suite_timeout = int(max(120, 4 * time_s + 60))
        repo = result.repo = make_repo(source, where, bench_config(project["test"], suite_timeout))
        imported = git(repo, "rev-parse", "HEAD").strip()
        log(f"{name}: baseline of the untouched copy")
        result.local_before = run_tests(project, repo, venv, timeout=suite_timeout * 2)
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-q", "-fdx", "-e", ".pycache-bench")
        log(f"{name}: {result.local_before.summary}; scanning")
        code, scan, err = tool(repo, venv, "scan", "--json")
        if scan is None:
            raise SetupError(f"scan exited {code}: {err[-1500:]}")
        result.suggestions = Counter(s["type"] for s in scan["upgrade_suggestions"])
        result.queued = len(scan["queue"]["queued"])
        result.smells_before = smells(scan)
        log(f"{name}: {sum(result.suggestions.values())} suggestions, {result.queued} queued; running")
        args = ["run", "--json"] + (["--max", str(max_upgrades)] if max_upgrades else ["--all"])
        for round_no in range(1, rounds + 1):
            merged = run_round(result, repo, venv, args, round_no)
            if round_no == rounds or not merged or not result.queued_after:
                break
            log(
                f"{name}: round {round_no} merged {merged}; the rescan queued {result.queued_after}: "
                f"next scheduled round"
            )
        result.final = run_tests(project, repo, venv, timeout=suite_timeout * 2)
        log(f"{name}: final main {result.final.summary}")
        result.surface_changes = surface_changes(repo, venv, imported)
    except (SetupError, OSError) as exc:
        result.error = str(exc)
        log(f"{name}: ERROR {exc}")
    finally:
        result.minutes = (time.monotonic() - started) / 60
        if keep is None:
            shutil.rmtree(where, ignore_errors=True)
    return result


# -- rendering ---------------------------------------------------------------------------------
HEADERS = (
    "project",
    "suggestions",
    "attempted",
    "merged",
    "failed",
    "refused",
    "GC before→after",
    "GM before→after",
    "cycles before→after",
    "static checks: new merged (blocked)",
    "tests final / baseline",
    "surface changes",
    "min",
)


def counted(items: list[str]) -> str:
    return ", ".join(f"{n}× {k}" if n > 1 else k for k, n in Counter(items).most_common()) or "0"


def row(r: ProjectResult) -> list[str]:
    if r.error and r.final is None:
        return [r.name, f"ERROR: {shorten(r.error, 60)}"] + [""] * (len(HEADERS) - 3) + [f"{r.minutes:.1f}"]
    static = r.static_checks()
    by_status: dict[str, list[str]] = {}
    for name, status in static["tools"].items():
        by_status.setdefault(status, []).append(name)
    static_text = f"{static['new_merged']} ({static['blocked']})" + (
        f" {' '.join(by_status.get('ok', []))}" if by_status.get("ok") else " no upgrade reached them"
    )
    for status in ("skipped", "failed", "timeout"):
        if by_status.get(status):
            static_text += f"; {status}: {' '.join(by_status[status])}"
    sugg = " ".join(f"{TYPE_ABBREV.get(t, t)}{n}" for t, n in sorted(r.suggestions.items())) or "0"
    failed = [f"{TYPE_ABBREV.get(o['type'], o['type'])}:{o['failure_type'] or o['status']}" for o in r.failed]
    refused = [TYPE_ABBREV.get(o["type"], o["type"]) for o in r.refused]
    smell = [f"{r.smells_before.get(t, 0)}→{r.smells_after.get(t, '?')}" for t in SMELL_TYPES]
    regression = r.regression()
    final = r.final.passed if r.final else "-"
    tests = f"{final} / {r.baseline.get('passed')} " + ("ok" if regression is None else "REGRESSION")
    merged = [TYPE_ABBREV.get(o["type"], o["type"]) for o in r.by_status("merged")]
    merged_text = (
        f"{len(merged)} ({' '.join(f'{k}{n}' for k, n in sorted(Counter(merged).items()))})" if merged else "0"
    )
    cells = [
        r.name,
        sugg,
        str(r.attempted),
        merged_text,
        f"{len(failed)} ({counted(failed)})" if failed else "0",
        f"{len(refused)} ({' '.join(f'{k}{n}' for k, n in sorted(Counter(refused).items()))})" if refused else "0",
        *smell,
        static_text,
        tests,
        "?" if r.surface_changes is None else str(len(r.surface_changes)),
        f"{r.minutes:.1f}",
    ]
    if r.baseline_failure:  # nothing ran: say why in the failed column
        cells[4] = f"BASELINE FAILING: {shorten(r.baseline_failure, 50)}"
    return cells


def totals(results: list[ProjectResult]) -> tuple[list[str], list[str]]:
    """The total row and the verdict on each target."""
    done = [r for r in results if r.final is not None]
    attempted = sum(r.attempted for r in done)
    merged = sum(r.merged for r in done)
    failed = sum(len(r.failed) for r in done)
    refused = sum(len(r.refused) for r in done)
    before = {t: sum(r.smells_before.get(t, 0) for r in done) for t in SMELL_TYPES}
    after = {t: sum(r.smells_after.get(t, 0) for r in done) for t in SMELL_TYPES}
    regressions = [r.name for r in done if r.regression() is not None]
    errors = [r.name for r in results if r.final is None]
    static_new = sum(r.static_checks()["new_merged"] for r in done)
    static_blocked = sum(r.static_checks()["blocked"] for r in done)
    suggestions = Counter()
    for r in done:
        suggestions.update(r.suggestions)
    sugg = " ".join(f"{TYPE_ABBREV.get(t, t)}{n}" for t, n in sorted(suggestions.items()))
    total_row = [
        f"TOTAL ({len(done)} projects)",
        sugg,
        str(attempted),
        str(merged),
        str(failed),
        str(refused),
        *[f"{before[t]}→{after[t]}" for t in SMELL_TYPES],
        f"{static_new} ({static_blocked})",
        f"{len(done) - len(regressions)}/{len(done)} ok",
        str(sum(len(r.surface_changes or ()) for r in done)),
        f"{sum(r.minutes for r in results):.1f}",
    ]
    rate = merged / attempted if attempted else 0.0
    smells_before, smells_after = sum(before.values()), sum(after.values())
    gone = (smells_before - smells_after) / smells_before if smells_before else 0.0
    verdicts = [
        f"no regression ever: {'MET' if not regressions and not errors else 'MISSED'}"
        + (f" (regressions: {', '.join(regressions)})" if regressions else "")
        + (f" (not measured: {', '.join(errors)})" if errors else ""),
        f"0 new static-check findings in merged upgrades: {'MET' if static_new == 0 else 'MISSED'} "
        f"({static_new} new; {static_blocked} upgrade(s) refused for a new finding)",
        f">= 90% of attempted upgrades merge: {'MET' if attempted and rate >= 0.9 else 'MISSED'} "
        f"({merged}/{attempted} = {rate:.0%}; {refused} refused, {merged}/{merged + failed + refused} "
        f"= {merged / max(1, merged + failed + refused):.0%} of all upgrades run)",
        f">= half of god classes, god modules, module-level cycles gone: {'MET' if gone >= 0.5 else 'MISSED'} "
        f"({smells_before}→{smells_after}, {gone:.0%} gone; "
        + ", ".join(f"{TYPE_ABBREV[t]} {before[t]}→{after[t]}" for t in SMELL_TYPES)
        + ")",
    ]
    return total_row, verdicts


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=False)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in rows)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "\n".join(lines)


def reason_rows(results: list[ProjectResult]) -> list[list[str]]:
    """Refusals and failures over all projects, by type and shortened reason, most frequent first."""
    counts: Counter = Counter()
    projects: dict[tuple[str, str, str], set[str]] = {}
    for r in results:
        for o in r.refused + r.failed:
            kind = "refused" if o["status"] == "refused" else f"failed: {o['failure_type'] or o['status']}"
            key = (o["type"], kind, shorten(o["detail"], 110))
            counts[key] += 1
            projects.setdefault(key, set()).add(r.name)
    return [["count", "type", "outcome", "reason", "projects"]] + [
        [str(n), t, kind, reason, ", ".join(sorted(projects[(t, kind, reason)]))]
        for (t, kind, reason), n in counts.most_common()
    ]


def details(results: list[ProjectResult]) -> list[str]:
    """Every failed, refused or regressing upgrade, in full, for the strategy owners."""
    return [line for r in results for line in [*_outcome_details(r), *_check_details(r)]]


def _outcome_details(r: ProjectResult) -> list[str]:
    """What the run of one project said: errors, notes, and each failed or refused upgrade."""
    out = []
    if r.error:
        out.append(f"{r.name}: ERROR {r.error}")
    if r.baseline_failure:
        out.append(f"{r.name}: baseline failure: {r.baseline_failure}")
    for message in r.run_messages:
        out.append(f"{r.name}: note: {message}")
    for o in r.failed + r.refused:
        out.append(
            f"{r.name}: {o['upgrade_id']} {o['type']} {o['status']} {o['failure_type']} "
            f"branch={o['branch']} commit={(o['commit'] or '-')[:10]}: {o['title']}\n    {o['detail']}"
        )
    return out


def _check_details(r: ProjectResult) -> list[str]:
    """What checking one project's result found: surface changes, regressions, where to look."""
    out = [f"{r.name}: SURFACE CHANGE from the imported commit to the final main: {c}" for c in r.surface_changes or ()]
    if r.final is not None and r.regression():
        out.append(
            f"{r.name}: REGRESSION {r.regression()}; final: {r.final.summary}; "
            f"before: {r.local_before.summary if r.local_before else '-'}"
        )
    if r.local_before is not None and r.local_before.passed != r.baseline.get("passed"):
        out.append(
            f"{r.name}: note: untouched copy gives {r.local_before.summary} "
            f"(manifest: {r.baseline.get('pytest_summary')})"
        )
    if r.repo is not None and (r.failed or r.refused or r.regression()):
        out.append(f"{r.name}: repository {r.repo}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="projects of the manifest (default: all)")
    parser.add_argument("--max-upgrades", type=int, metavar="N", help="run at most N upgrades per project")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="N",
        help="after a round that merged, rescan and run again, up to N rounds "
        "(what the scheduled scans of `git upgrade tick` do)",
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the repositories under DIR")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the raw results as JSON")
    parser.add_argument(
        "--render",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="only print the tables of results saved by earlier --json runs (a later file wins)",
    )
    args = parser.parse_args(argv)
    if args.render:
        latest = {item["name"]: item for path in args.render for item in json.loads(path.read_text())}
        report([ProjectResult.from_json(item) for item in latest.values()])  # a later file's run wins
        return 0
    projects = load_manifest()
    known = {p["name"]: p for p in projects}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"not in the manifest: {', '.join(unknown)} (known: {', '.join(known)})")
    chosen = [known[n] for n in args.names] if args.names else projects
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = []
    for project in chosen:
        results.append(run_project(project, args.max_upgrades, args.keep, args.rounds))
        print(text_table([list(HEADERS), row(results[-1]), row(results[-1])]).rsplit("\n", 2)[0], flush=True)
        if args.json:  # after each project, so an interrupted run keeps what it measured
            args.json.write_text(json.dumps([r.to_json() for r in results], indent=1, default=str))
    report(results)
    return 0


def report(results: list[ProjectResult]) -> None:
    """The table, the targets, the details and the markdown table."""
    rows = [list(HEADERS)] + [row(r) for r in results]
    total_row, verdicts = totals(results)
    rows.append(total_row)
    print("\n" + text_table(rows))
    for verdict in verdicts:
        print(f"  {verdict}")
    reasons = reason_rows(results)
    print("\nRefusals and failures by reason:\n")
    print(plain_table(reasons))
    print("\nFailures, refusals and regressions in full:")
    for line in details(results) or ["  none"]:
        print(f"  {line}")
    print("\nMarkdown:\n")
    print(markdown_table(rows))
    print()
    for verdict in verdicts:
        print(f"- {verdict}")
    print()
    print(markdown_table(reasons))


if __name__ == "__main__":
    sys.exit(main())
