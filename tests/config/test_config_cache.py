"""A configuration read back from the cache is the one parsing would give, for the same inputs only."""

from __future__ import annotations

import json

import pytest

from gitupgrade.config import load_config
from gitupgrade.config.cache import CACHE_FILE
from gitupgrade.repo import GitRepo
from tests.config.spec_project import OTHER_APP, SPEC_BLOCK


def _config(run_cli, repo_path, *args: str) -> tuple[str, dict]:
    """``git upgrade config`` for people and as JSON (asserting exit 0)."""
    shown = run_cli(*args, "config", cwd=repo_path)
    as_json = run_cli(*args, "config", "--json", cwd=repo_path)
    assert shown.exit_code == as_json.exit_code == 0, shown.stderr + as_json.stderr
    return shown.stdout, json.loads(as_json.stdout)


def test_cached_configuration_shows_the_same_values_and_sources(git_repo, run_cli, tmp_path) -> None:
    first = git_repo.commit({"config.yaml": OTHER_APP + SPEC_BLOCK, "a.py": "x = 1\n"})
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  max_upgrade_retries: 7\n")
    cache = git_repo.path / ".git" / "upgrade" / CACHE_FILE
    for args in ((), ("--config", str(override))):
        cache.unlink(missing_ok=True)
        parsed = _config(run_cli, git_repo.path, *args)
        assert cache.is_file()
        assert _config(run_cli, git_repo.path, *args) == parsed
        assert f"config.yaml at {first[:8]}" in parsed[0]
    assert "max_upgrade_retries: 7  # " + str(override) in parsed[0]

    # the same config.yaml blob in a new commit: read back, with the new commit's name
    second = git_repo.commit({"a.py": "x = 2\n"})
    read_back = _config(run_cli, git_repo.path)
    cache.unlink()
    assert read_back == _config(run_cli, git_repo.path)
    assert f"config.yaml at {second[:8]}" in read_back[0] and first[:8] not in read_back[0]


def test_a_changed_input_is_never_answered_from_the_cache(git_repo, run_cli, tmp_path) -> None:
    git_repo.commit({"config.yaml": "self_upgrading:\n  max_upgrade_retries: 2\n"})
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  backup_retention_days: 5\n")
    assert _config(run_cli, git_repo.path)[1]["self_upgrading"]["max_upgrade_retries"] == 2
    assert _config(run_cli, git_repo.path, "--config", str(override))[1]["self_upgrading"]["backup_retention_days"] == 5
    git_repo.commit({"config.yaml": "self_upgrading:\n  max_upgrade_retries: 4\n"})
    override.write_text("self_upgrading:\n  backup_retention_days: 9\n")
    assert _config(run_cli, git_repo.path)[1]["self_upgrading"]["max_upgrade_retries"] == 4
    assert _config(run_cli, git_repo.path, "--config", str(override))[1]["self_upgrading"]["backup_retention_days"] == 9
    # an invalid file is reported every time: errors are never kept
    git_repo.commit({"config.yaml": "self_upgrading:\n  max_upgrade_retries: many\n"})
    for _ in range(2):
        result = run_cli("config", cwd=git_repo.path)
        assert result.exit_code == 2
        assert "max_upgrade_retries must be an integer, got str 'many'" in result.stderr


@pytest.mark.parametrize("damage", [b"", b"{", b"[]", b'{"format": 1, "entries": {"KEY": {"data": 3}}}', b"\xff"])
def test_damaged_cache_is_ignored_and_rewritten(git_repo, run_cli, damage) -> None:
    git_repo.commit({"config.yaml": SPEC_BLOCK})
    parsed = _config(run_cli, git_repo.path)
    cache = git_repo.path / ".git" / "upgrade" / CACHE_FILE
    key = next(iter(json.loads(cache.read_text())["entries"]))
    cache.write_bytes(damage.replace(b"KEY", key.encode()))
    assert _config(run_cli, git_repo.path) == parsed
    assert key in json.loads(cache.read_text())["entries"]


def test_data_json_would_change_is_not_kept(git_repo) -> None:
    # a mapping key that is not a string would come back from JSON as one
    git_repo.commit({"config.yaml": "self_upgrading:\n  validation:\n    static_checks: [{1: x}]\n"})
    repo = GitRepo.discover(git_repo.path)
    first = load_config(repo, repo.resolve_commit())
    assert first.get_path("validation.static_checks") == [{1: "x"}]
    assert not (repo.state_dir / CACHE_FILE).exists()
    assert load_config(repo, repo.resolve_commit()).get_path("validation.static_checks") == [{1: "x"}]
