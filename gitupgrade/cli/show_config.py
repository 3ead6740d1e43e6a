"""``git upgrade config``: the effective configuration and where it came from."""

from __future__ import annotations

import click
import yaml

from gitupgrade.cli.context import AppContext, pass_app
from gitupgrade.cli.output import console, print_json
from gitupgrade.ledger.text import redact


@click.command("config")
@click.option("--rev", default="HEAD", show_default=True, help="Commit whose config.yaml is read.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def command(app: AppContext, rev: str, as_json: bool) -> None:
    """Show the effective self_upgrading configuration."""
    repo = app.repo()
    config = app.config(repo, repo.resolve_commit(rev))
    if as_json:
        print_json({"sources": list(config.sources), "self_upgrading": config.to_dict()})
        return
    out = console()
    out.print(f"# sources: {' < '.join(config.sources)}")
    # A password or token in a URL (llm.base_url) is not shown, as in --json.
    out.print(redact(yaml.safe_dump({"self_upgrading": config.to_dict()}, sort_keys=False).rstrip()), markup=False)
