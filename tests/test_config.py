"""Configuration: defaults, the repository's config.yaml at a commit, --config, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gitupgrade.config import default_config, load_config
from gitupgrade.config.schema import SCHEMA
from gitupgrade.errors import ConfigError
from gitupgrade.repo import GitRepo

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _leaf_paths(node: dict, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in node.items():
        path = f"{prefix}{key}"
        paths |= _leaf_paths(value, f"{path}.") if isinstance(value, dict) else {path}
    return paths


def test_defaults_cover_every_schema_key_and_match_the_top_level_config_yaml() -> None:
    defaults = default_config().to_dict()
    assert _leaf_paths(defaults) == _leaf_paths(SCHEMA)
    top_level = yaml.safe_load((PROJECT_ROOT / "config.yaml").read_text())["self_upgrading"]
    assert top_level == defaults


def test_spec_keys_are_present() -> None:
    spec_keys = {
        "enabled",
        "ledger_db_path",
        "auto_upgrade_enabled",
        "scan_schedule",
        "scan_interval_hours",
        "validation_required",
        "test_execution_required",
        "backup_retention_days",
        "max_upgrade_retries",
        "risk_policies",
        "priority_thresholds",
        "learning",
        "integration",
    }
    assert spec_keys <= set(default_config())


def test_repository_config_is_read_from_the_commit_not_the_work_tree(git_repo) -> None:
    first = git_repo.commit({"config.yaml": "self_upgrading:\n  analysis:\n    god_class_max_methods: 7\n"})
    git_repo.write({"config.yaml": "self_upgrading:\n  analysis:\n    god_class_max_methods: 99\n"})
    repo = GitRepo.discover(git_repo.path)
    config = load_config(repo, repo.resolve_commit(first))
    assert config.get_path("analysis.god_class_max_methods") == 7
    # untouched keys keep their defaults
    assert config.get_path("analysis.god_class_max_lines") == 500
    assert config.sources == ("defaults", f"config.yaml at {first[:8]}")


def test_override_file_wins_over_repository_config(git_repo, tmp_path) -> None:
    commit = git_repo.commit({"config.yaml": "self_upgrading:\n  max_upgrade_retries: 5\n"})
    override = tmp_path / "override.yaml"
    override.write_text("self_upgrading:\n  max_upgrade_retries: 1\n")
    repo = GitRepo.discover(git_repo.path)
    assert load_config(repo, repo.resolve_commit(commit), override)["max_upgrade_retries"] == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "self_upgrading:\n  analysis:\n    god_clas_max_methods: 3\n",
            "unknown key self_upgrading.analysis.god_clas_max_methods",
        ),
        (
            "self_upgrading:\n  analysis:\n    god_class_max_methods: many\n",
            "self_upgrading.analysis.god_class_max_methods must be an integer, got str 'many'",
        ),
        (
            "self_upgrading:\n  validation_required: 1\n",
            "self_upgrading.validation_required must be a boolean, got int 1",
        ),
        (
            "self_upgrading:\n  max_upgrade_retries: true\n",
            "self_upgrading.max_upgrade_retries must be an integer, got bool True",
        ),
        (
            "self_upgrading:\n  scan_schedule: hourly\n",
            "self_upgrading.scan_schedule must be one of weekly, daily, manual, got str 'hourly'",
        ),
        ("self_upgrading:\n  risk_policies: low\n", "self_upgrading.risk_policies must be a mapping, got str 'low'"),
        (
            "self_upgrading:\n  analysis:\n    exclude: [1]\n",
            "self_upgrading.analysis.exclude must be a list of a string, got list",
        ),
        ("self_upgrading: [\n", "invalid YAML"),
    ],
)
def test_invalid_config_names_the_key_path(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(override_file=bad)
    assert message in caught.value.message


def test_config_error_through_the_cli_is_one_line_and_exit_2(git_repo, run_cli, tmp_path) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    bad = tmp_path / "bad.yaml"
    bad.write_text("self_upgrading:\n  nope: 1\n")
    result = run_cli("--config", str(bad), "config", cwd=git_repo.path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: {bad}: line 2: unknown key self_upgrading.nope"
    assert "Traceback" not in result.stderr
