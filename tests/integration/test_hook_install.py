"""Installing the pre-push hook where git runs it, chaining and restoring an existing hook."""

from __future__ import annotations

import json

from gitupgrade.integration.hooks import hook_script
from tests.conftest import PROJECT_ROOT, GitRepoBuilder

FOREIGN_HOOK = "#!/bin/sh\necho 'team hook ran' >&2\n"


def _install(run_cli, repo: GitRepoBuilder) -> dict:
    result = run_cli("hook", "install", "--json", cwd=repo.path)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_install_writes_an_executable_hook_in_the_git_dir(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    hook = git_repo.path / ".git" / "hooks" / "pre-push"
    assert _install(run_cli, git_repo) == {"action": "installed", "path": str(hook), "previous": None}
    assert hook.read_text().startswith("#!/bin/sh\n")
    assert hook.stat().st_mode & 0o111
    assert _install(run_cli, git_repo)["action"] == "updated"


def test_install_follows_a_relative_core_hooks_path(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    git_repo.git("config", "core.hooksPath", ".githooks")
    (git_repo.path / "sub").mkdir()
    result = run_cli("hook", "install", cwd=git_repo.path / "sub")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"installed {git_repo.path / '.githooks' / 'pre-push'}"]
    assert not (git_repo.path / ".git" / "hooks" / "pre-push").exists()


def test_existing_hook_is_kept_chained_and_restored(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    hooks = git_repo.path / ".git" / "hooks"
    (hooks / "pre-push").write_text(FOREIGN_HOOK)
    (hooks / "pre-push").chmod(0o755)
    change = _install(run_cli, git_repo)
    assert change["previous"] == str(hooks / "pre-push.gitupgrade-previous")
    assert (hooks / "pre-push.gitupgrade-previous").read_text() == FOREIGN_HOOK
    # A second install must not chain our own hook onto itself.
    assert _install(run_cli, git_repo)["previous"] == change["previous"]
    assert (hooks / "pre-push.gitupgrade-previous").read_text() == FOREIGN_HOOK

    result = run_cli("hook", "uninstall", cwd=git_repo.path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"uninstalled {hooks / 'pre-push'}; restored the previous hook"]
    assert (hooks / "pre-push").read_text() == FOREIGN_HOOK
    assert not (hooks / "pre-push.gitupgrade-previous").exists()


def test_uninstall_leaves_a_foreign_hook_alone(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    hook = git_repo.path / ".git" / "hooks" / "pre-push"
    hook.write_text(FOREIGN_HOOK)
    result = run_cli("hook", "uninstall", cwd=git_repo.path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {hook} was not installed by git upgrade; left alone",
        "hint: remove it yourself if you no longer want it",
    ]
    assert hook.read_text() == FOREIGN_HOOK


def test_uninstall_without_hook_changes_nothing(run_cli, git_repo: GitRepoBuilder) -> None:
    git_repo.commit({"a.py": "x = 1\n"})
    result = run_cli("hook", "uninstall", cwd=git_repo.path)
    assert result.exit_code == 0
    hook = git_repo.path / ".git" / "hooks" / "pre-push"
    assert result.stdout.splitlines() == [f"no pre-push hook at {hook}; nothing to do"]


def test_the_shipped_hook_is_the_installed_script() -> None:
    shipped = PROJECT_ROOT / "hooks" / "pre-push"
    assert shipped.read_text() == hook_script("python3")
    assert shipped.stat().st_mode & 0o111


def test_pre_commit_manifest_runs_at_pre_push() -> None:
    import yaml

    (hook,) = yaml.safe_load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["stages"] == ["pre-push"]
    assert hook["entry"] == "git-upgrade hook run-pre-commit"
    assert hook["pass_filenames"] is False


def test_ci_example_uploads_sarif_of_check() -> None:
    import yaml

    workflow = yaml.safe_load((PROJECT_ROOT / "hooks" / "ci" / "github-check.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["check"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "git upgrade check" in runs and "--format sarif" in runs
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)


def test_ci_examples_install_gitupgrade_from_the_source_the_user_names() -> None:
    import yaml

    for name, job in (("github-check.yml", "check"), ("scheduled-upgrade.yml", "tick")):
        workflow = yaml.safe_load((PROJECT_ROOT / "hooks" / "ci" / name).read_text())
        steps = workflow["jobs"][job]["steps"]
        (install,) = [step for step in steps if "pip install" in step.get("run", "")]
        assert install["env"] == {"GITUPGRADE_SRC": "${{ vars.GITUPGRADE_SRC }}"}
        assert '"$GITUPGRADE_SRC"' in install["run"]
        # gitupgrade is not published on PyPI: no step installs it by name.
        assert not any("pip install gitupgrade" in step.get("run", "") for step in steps)
        assert not any(" gitupgrade" in line.split("#")[0] for line in install["run"].splitlines() if "pip" in line)
