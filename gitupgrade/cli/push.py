"""``git upgrade push``: publish upgrade branches and the ledger for review as pull requests."""

from __future__ import annotations

import click

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.errors import ExitCode
from gitupgrade.integration.publish import push_upgrades
from gitupgrade.repo.notes import NOTES_REF

NOTES_HINT = "hint: the remote's ledger has moved: run git upgrade sync {remote}, then push again"


@click.command("push")
@click.argument("upgrade_ids", metavar="[ID]...", nargs=-1)
@click.option("--all", "push_all", is_flag=True, help="Push every upgrade/<id> branch.")
@click.option("--remote", default=None, help="Remote to push to  [default: integration.remote]")
@click.option("--force", is_flag=True, help="Replace regenerated branches (--force-with-lease).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(
    app: AppContext, upgrade_ids: tuple[str, ...], push_all: bool, remote: str | None, force: bool, as_json: bool
) -> int:
    """Push upgrade branches and refs/notes/upgrades so they can be reviewed."""
    if bool(upgrade_ids) == push_all:
        raise click.UsageError("name the upgrades to push, or pass --all (not both)")
    repo = app.repo()
    if remote is None:
        remote = str(app.config(repo, repo.resolve_commit("HEAD")).get_path("integration.remote"))
    result = push_upgrades(repo, None if push_all else list(upgrade_ids), remote, force=force)
    if as_json:
        print_json(result.to_dict())
    else:
        out = console()
        out.print(f"pushed to {remote}:", markup=False, soft_wrap=True)
        for ref in result.refs:
            out.print(f"  {ref.outcome:<12}{ref.remote_ref}  {ref.summary}".rstrip(), markup=False, soft_wrap=True)
        if any(r.remote_ref == NOTES_REF and not r.ok for r in result.refs):
            console(stderr=True).print(NOTES_HINT.format(remote=remote), markup=False, soft_wrap=True)
    return ExitCode.OK if result.ok else ExitCode.FAILURE
