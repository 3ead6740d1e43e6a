"""Learning and tick speed on a large ledger: prints figures, asserts nothing.

Seeds N finished upgrades (queued, executed, merged or failed; 30% of merges later
rolled back in one type) through the real ledger into a temporary repository, then
times what the manager and `tick` pay: building the model, one priority at queue time,
one auto-approval at deploy time, a requeue check, and a `tick` with nothing due.

    python benchmarks/learning_bench.py [N]      # default 10000
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gitupgrade.config import load_config
from gitupgrade.learning import Learner
from gitupgrade.ledger import UpgradeLedger
from gitupgrade.repo import GitRepo
from gitupgrade.suggestion import Suggestion

TYPES = ("circular_import", "god_class", "god_module", "duplicate_pattern")
PACKAGES = ("core", "api", "web", "cli", "util")


def seed(ledger: UpgradeLedger, base: str, count: int) -> None:
    rng = random.Random(7)
    items = []
    for n in range(count):
        kind = TYPES[n % len(TYPES)]
        suggestion = Suggestion(
            id=f"{kind}-{n:012x}",
            type=kind,
            title="t",
            description="",
            risk_level="medium",
            priority=rng.randint(10, 95),
            affected_modules=(f"{PACKAGES[n % 5]}/m{n}.py",),
            evidence={"module": f"{PACKAGES[n % 5]}.m{n}"},
        )
        uid = f"upgrade_20260101_000000_{n:06x}"
        items.append(
            (
                "upgrade_queued",
                base,
                {
                    "upgrade_id": uid,
                    "suggestion": suggestion.to_dict(),
                    "priority": suggestion.priority,
                    "base_commit": base,
                    "target_branch": "main",
                },
            )
        )
        ok = rng.random() < (0.97 if kind != "god_module" else 0.6)
        items.append(
            (
                "upgrade_executed",
                base,
                {
                    "upgrade_id": uid,
                    "status": "merged" if ok else "failed",
                    "type": kind,
                    "base_commit": base,
                    "failure_type": None if ok else rng.choice(("test_failure", "import_error")),
                    "strategy": "rule",
                },
            )
        )
        if ok:
            items.append(
                (
                    "upgrade_merged",
                    base,
                    {"upgrade_id": uid, "merge_commit": base, "target_branch": "main", "fast_forward": True},
                )
            )
            if kind == "god_class" and rng.random() < 0.01:
                items.append(("rollback", base, {"upgrade_id": uid, "status": "done", "revert_commit": base}))
    ledger.append_many(items)


def timed(label: str, action, repeat: int = 1) -> None:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    seconds = (time.perf_counter() - started) / repeat
    print(f"{label:<48} {seconds * 1000:9.1f} ms")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "repo"
        path.mkdir()
        git = ["git", "-C", str(path), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
        (path / "a.py").write_text("x = 1\n")
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
        repo = GitRepo.discover(path)
        config = load_config(repo, repo.resolve_commit("HEAD"))
        ledger = UpgradeLedger(repo, config)
        started = time.perf_counter()
        seed(ledger, repo.resolve_commit("HEAD"), count)
        events = len(ledger.events())
        print(f"seeded {count} upgrades ({events} events) in {time.perf_counter() - started:.1f} s")
        ledger.record_scan(repo.resolve_commit("HEAD"), {"modules": 1}, [], [], 0)
        learner = Learner(ledger, config, state_path=repo.state_dir / "learning.json")
        probe = Suggestion(
            id="god_class-probe",
            type="god_class",
            title="t",
            description="",
            risk_level="medium",
            priority=80,
            affected_modules=("core/x.py",),
            evidence={"module": "core.x"},
        )
        timed("read events + build model (cold)", lambda: (learner.refresh(), learner.model()))
        timed("learn_from_outcomes (model + record + report)", learner.learn_from_outcomes)
        learner.model()
        timed("priority_for, model cached (x1000, per call)", lambda: learner.priority_for(probe), 1000)
        timed("auto_approve at deploy (fresh model)", lambda: learner.auto_approve(probe))
        timed(
            "should_requeue, first call (indexes failures)", lambda: learner.should_requeue("god_module-000000000002")
        )
        timed("should_requeue, then (x1000, per call)", lambda: learner.should_requeue("god_module-000000000002"), 1000)
        timed("scan_due (tick with nothing due, in process)", learner.scan_due)
        env = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin", "HOME": tmp}
        command = [sys.executable, "-m", "gitupgrade", "tick"]
        subprocess.run(command, cwd=path, capture_output=True, check=True, env=env)  # warm the OS caches
        started = time.perf_counter()
        tick = subprocess.run(command, cwd=path, capture_output=True, text=True, check=True, env=env)
        print(
            f"{'git upgrade tick, nothing due (process)':<48} {(time.perf_counter() - started) * 1000:9.1f} ms"
            f"  (output {len(tick.stdout)} bytes)"
        )
        report = learner.learn_from_outcomes()
        for t in report.types:
            print(f"  {t.type:<18} {t.successes:>5}/{t.attempts:<5} estimate {t.estimate:.3f}  {t.trust}")
        ledger.close()


if __name__ == "__main__":
    main()
