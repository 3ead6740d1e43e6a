"""The Learner over the real ledger: trust recorded as learning events, the manager's questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gitupgrade.learning import Learner
from tests.learning.seed import Seeder, make_suggestion, open_ledger


@pytest.fixture
def seeded(git_repo):
    git_repo.commit({"pkg/__init__.py": "", "pkg/mod.py": "x = 1\n"})
    repo, ledger = open_ledger(git_repo.path)
    yield repo, ledger, Seeder(ledger, git_repo.head())
    ledger.close()


def learner_for(repo, ledger) -> Learner:
    return Learner(ledger, ledger.config, state_path=repo.state_dir / "learning.json")


def test_trust_is_earned_at_ten_successes_and_recorded_once(seeded) -> None:
    repo, ledger, seed = seeded
    for _ in range(9):
        seed.success()
    learner = learner_for(repo, ledger)
    medium = make_suggestion(100)
    assert learner.auto_approve(medium) == (False, "risk policy requires review for medium-risk upgrades")
    assert ledger.events(kind="learning") == []
    tenth = seed.success()
    approved, reason = learner.auto_approve(medium)
    assert approved
    assert reason == (
        "god_class is trusted (trusted since "
        + ledger.events(upgrade_id=tenth)[-1]["ts"][:10]
        + ": 10/10 succeeded (100%), at least 10 attempts at 95% or better): judged as low instead of medium;"
        " risk policy auto-approves low-risk upgrades"
    )
    [event] = ledger.events(kind="learning")
    assert {
        k: event[k]
        for k in ("type", "package", "attempts", "successes", "estimate", "trust_before", "trust_after", "reason")
    } == {
        "type": "god_class",
        "package": None,
        "attempts": 10,
        "successes": 10,
        "estimate": round(11 / 12, 4),
        "trust_before": "default",
        "trust_after": "trusted",
        "reason": "10/10 succeeded (100%), at least 10 attempts at 95% or better",
    }
    # Asking again records nothing new.
    learner.auto_approve(medium)
    learner.learn_from_outcomes()
    assert len(ledger.events(kind="learning")) == 1


def test_trust_is_lost_at_the_first_regression_and_the_loss_recorded(seeded) -> None:
    repo, ledger, seed = seeded
    ids = [seed.success() for _ in range(10)]
    learner = learner_for(repo, ledger)
    assert learner.auto_approve(make_suggestion(100))[0]
    seed.rollback(ids[3])
    approved, reason = learner.auto_approve(make_suggestion(100))
    assert (approved, reason) == (False, "risk policy requires review for medium-risk upgrades")
    trust = [(e["trust_before"], e["trust_after"], e["reason"]) for e in ledger.events(kind="learning")]
    assert trust == [
        ("default", "trusted", "10/10 succeeded (100%), at least 10 attempts at 95% or better"),
        ("trusted", "default", f"regression: {ids[3]} was rolled back"),
    ]


def test_a_regression_at_default_makes_low_risk_upgrades_need_review(seeded) -> None:
    repo, ledger, seed = seeded
    merged = seed.success("circular_import", risk="low")
    learner = learner_for(repo, ledger)
    low = make_suggestion(100, "circular_import", risk="low")
    assert learner.auto_approve(low) == (True, "risk policy auto-approves low-risk upgrades")
    seed.rollback(merged)
    approved, reason = learner.auto_approve(low)
    assert not approved
    assert reason.startswith(
        f"circular_import is restricted (restricted since {datetime.now(UTC):%Y-%m-%d} "
        f"(regression: {merged} was rolled back)"
    )
    assert reason.endswith("judged as medium instead of low; risk policy requires review for medium-risk upgrades")


def test_adaptive_thresholds_off_leaves_the_policy_alone(git_repo) -> None:
    git_repo.commit({"config.yaml": "self_upgrading:\n  learning:\n    adaptive_thresholds: false\n"})
    repo, ledger = open_ledger(git_repo.path)
    seed = Seeder(ledger, git_repo.head())
    for _ in range(10):
        seed.success()
    learner = learner_for(repo, ledger)
    assert learner.auto_approve(make_suggestion(100)) == (False, "risk policy requires review for medium-risk upgrades")
    assert learner.learn_from_outcomes().recorded == ()
    assert ledger.events(kind="learning") == []


def test_priority_and_requeue_from_the_ledger(seeded) -> None:
    repo, ledger, seed = seeded
    stubborn = make_suggestion(500, "god_module")
    for _ in range(3):
        seed.failure("god_module", suggestion=stubborn)
    seed.success("circular_import")
    learner = learner_for(repo, ledger)
    assert learner.priority_for(make_suggestion(1, "god_module", priority=9)) == 1.8  # 9 x (0 + 1) / (3 + 2)
    assert learner.priority_for(make_suggestion(2, "circular_import", priority=6)) == 4.0  # 6 x 2/3
    allowed, reason = learner.should_requeue(stubborn.id)
    assert not allowed and reason.startswith("failed 3 times with test_failure (limit 3): ")
    assert learner.should_requeue("god_module-unknown") == (True, "no failed attempt")


def test_learn_reports_what_changed_since_the_last_run(seeded) -> None:
    repo, ledger, seed = seeded
    seed.success()
    learner = learner_for(repo, ledger)
    first = learner.learn_from_outcomes()
    assert first.previous_run is None
    assert [(t.type, t.attempts, t.successes, t.change) for t in first.types] == [("god_class", 1, 1, None)]
    seed.success()
    seed.failure("god_module", "import_error")
    second = learner_for(repo, ledger).learn_from_outcomes()
    assert second.previous_run == first.generated_at
    assert [(t.type, t.change) for t in second.types] == [
        ("god_class", "+1 attempts, +1 successes; estimate 0.67 -> 0.75"),
        ("god_module", "new"),
    ]
    assert second.types[1].failure_types == {"import_error": 1}
    assert [(p.package, p.attempts, p.successes) for p in second.packages] == [("pkg", 3, 2)]


def test_next_scan_time_follows_the_last_scan_in_the_ledger(seeded) -> None:
    repo, ledger, seed = seeded
    learner = learner_for(repo, ledger)
    now = datetime.now(UTC)
    assert learner.next_scan_time(now) == now and learner.scan_due(now)
    ledger.record_scan(seed.base, {"modules": 1, "suggestions": 0}, [], [], 0)
    scanned = datetime.fromisoformat(ledger.last_scan()["ts"])
    assert learner.next_scan_time(now) == scanned + timedelta(hours=168)
    assert not learner.scan_due(scanned + timedelta(hours=167))
    assert learner.scan_due(scanned + timedelta(hours=168))
