"""One reader of a project's settings files, shared by its code style and its static checks."""

from __future__ import annotations

from pathlib import Path

from gitupgrade.manager.static_detect import detect
from gitupgrade.project_settings import pre_commit_hooks, read_ini, read_toml
from gitupgrade.refactor.project_style import ProjectStyle


def test_a_missing_unreadable_or_invalid_toml_file_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 99\n[tool.mypy]\nfiles = ["pkg"]\n')
    (tmp_path / "broken.toml").write_text("[tool.black\n")
    (tmp_path / "latin.toml").write_bytes(b"name = '\xe9'\n")
    assert read_toml(tmp_path / "pyproject.toml") == {
        "tool": {"black": {"line-length": 99}, "mypy": {"files": ["pkg"]}}
    }
    assert read_toml(tmp_path / "broken.toml") == {}
    assert read_toml(tmp_path / "latin.toml") == {}
    assert read_toml(tmp_path / "absent.toml") == {}
    assert read_toml(tmp_path) == {}  # a folder where a file was expected


def test_an_ini_file_is_read_raw_leniently_and_whole(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nmax-line-length = 100\nformat = %(path)s\nnot an option line\n"
        "[isort]\nprofile = black\n[flake8]\nmax-line-length = 110\n"
    )
    parser = read_ini(tmp_path / "setup.cfg")
    sections = {name: dict(parser[name]) for name in parser.sections()}
    # the malformed line is skipped, the repeated section and option keep the last value, no interpolation
    assert sections == {"flake8": {"max-line-length": "110", "format": "%(path)s"}, "isort": {"profile": "black"}}
    assert read_ini(tmp_path / "absent.cfg").sections() == []
    (tmp_path / "tox.ini").write_text("max-line-length = 100\n")  # no section header at all
    assert read_ini(tmp_path / "tox.ini").sections() == []


def test_the_code_style_and_the_static_checks_read_a_settings_file_alike(tmp_path: Path) -> None:
    # A flake8 section with a repeated option: the checks ran flake8 while the style ignored the file.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\nmax-line-length = 110\n")
    assert [check.name for check in detect(tmp_path)] == ["flake8"]
    assert ProjectStyle.from_settings(tmp_path) == ProjectStyle(line_length=110)


def test_pre_commit_hooks_are_read_once_for_both(tmp_path: Path) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(
        "repos:\n"
        "- repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "  hooks:\n"
        "  - id: ruff-check\n    args: [--fix, --select, I]\n"
        "  - id: ruff-format\n"
        "- repo: local\n  hooks: [not-a-hook, {id: 3}, {id: custom, args: oops}]\n"
    )
    assert pre_commit_hooks(config) == {"ruff": ["--fix", "--select", "I"], "ruff-format": [], "custom": []}
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    # the checks run ruff without the hook's --fix; the style formats with ruff
    assert [(c.name, "--fix" in c.args) for c in detect(tmp_path)] == [("ruff", False), ("ruff-format", False)]
    assert ProjectStyle.from_settings(tmp_path).formatter == "ruff"
    config.write_text("repos: [unclosed\n")
    assert pre_commit_hooks(config) == {}
    assert pre_commit_hooks(tmp_path / "absent.yaml") == {}
