"""The manual page ``git-upgrade(1)``, rendered from the click command tree.

``git upgrade --help`` makes git run ``man git-upgrade``; the page shipped in
``man/man1/git-upgrade.1`` (installed under ``<prefix>/share/man/man1``) is this module's
roff output, and ``git upgrade help [CMD]`` prints the same text plain. Regenerate the
shipped page with ``python -m gitupgrade.cli.manpage > man/man1/git-upgrade.1`` (a test
fails when it is stale).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import click

from gitupgrade import __version__
from gitupgrade.errors import UserError

_DESCRIPTION = (
    "git upgrade scans a Python repository for architectural smells (god classes, god modules, "
    "import cycles, duplicates, complexity), turns each fix into a commit on its own branch "
    "upgrade/<id>, validates it in the staging worktree core_v2 with the project's own tests "
    "against the base commit, merges it when the risk policy allows, and records every event "
    "as git notes under refs/notes/upgrades.",
    "Configuration is the self_upgrading section of config.yaml at the root of the repository "
    "(see git upgrade config). Commits carry the identity and signature git commit would give "
    "them (GIT_AUTHOR_*, GIT_COMMITTER_*, user.name, user.email, commit.gpgsign, gpg.format).",
)
_SECTIONS = (
    (
        "EXIT STATUS",
        (
            "0 success; 1 a failure (an upgrade failed, git failed); 2 a usage or configuration error, "
            "with a hint; 3 a bug; 130 interrupted.",
        ),
    ),
    (
        "ENVIRONMENT",
        (
            "GIT_DIR, GIT_WORK_TREE (and git --git-dir, --work-tree) choose the repository as for any git "
            "command. GIT_PAGER, core.pager, pager.upgrade, PAGER and LESS choose the pager of long output "
            "on a terminal; color.upgrade, color.ui and NO_COLOR decide colour.",
        ),
    ),
    ("SEE ALSO", ("git(1), git-notes(1), git-worktree(1)",)),
)


@dataclass
class Entry:
    """One command of the page: its full name, synopsis, help text and options."""

    name: str
    synopsis: str
    help: str
    options: list[tuple[str, str]] = field(default_factory=list)


def entries(root: click.Command, info_name: str = "git upgrade") -> list[Entry]:
    """The root command and every subcommand (depth first, in the order --help lists them)."""
    found: list[Entry] = []
    _walk(root, click.Context(root, info_name=info_name, **root.context_settings), found)
    return found


def _walk(command: click.Command, ctx: click.Context, found: list[Entry]) -> None:
    pieces = command.collect_usage_pieces(ctx)
    found.append(
        Entry(
            name=ctx.command_path,
            synopsis=" ".join([ctx.command_path, *pieces]),
            help=inspect.cleandoc(command.help or command.short_help or "").replace("\b\n", ""),
            options=[record for param in command.get_params(ctx) if (record := param.get_help_record(ctx))],
        )
    )
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _walk(sub, click.Context(sub, info_name=name, parent=ctx, **sub.context_settings), found)


def render_roff(root: click.Command) -> str:
    """The whole manual page in roff (man(7) macros)."""
    top, *commands = entries(root)
    out = [
        f'.TH GIT\\-UPGRADE 1 "" "gitupgrade {__version__}" "Git Manual"',
        ".SH NAME",
        f"git\\-upgrade \\- {_roff(top.help.splitlines()[0])}",
        ".SH SYNOPSIS",
        ".nf",
        _roff(top.synopsis),
        ".fi",
        ".SH DESCRIPTION",
    ]
    for paragraph in _DESCRIPTION:
        out += [".PP", _roff(paragraph)]
    out.append(".SH OPTIONS")
    out += _roff_options(top.options)
    out.append(".SH COMMANDS")
    for entry in commands:
        out += [".SS " + _roff(entry.name.removeprefix("git upgrade ")), ".nf", _roff(entry.synopsis), ".fi"]
        for paragraph in entry.help.split("\n\n"):
            out += [".PP", _roff(" ".join(paragraph.split()))]
        out += _roff_options(entry.options)
    for title, paragraphs in _SECTIONS:
        out.append(f".SH {title}")
        for paragraph in paragraphs:
            out += [".PP", _roff(paragraph)]
    return "\n".join(out) + "\n"


def render_text(root: click.Command, command: str | None = None) -> str:
    """The same content as plain text: the whole page, or the section of one (sub)command."""
    top, *commands = entries(root)
    if command is not None:
        wanted = f"{top.name} {command}"
        chosen = [e for e in commands if e.name == wanted or e.name.startswith(wanted + " ")]
        if not chosen:
            # `help --help` would only describe `help` itself: point at the list of commands
            raise UserError(f"no such command: {command}", hint=f"see '{top.name} help' for the list of commands")
        return "\n".join(_text_entry(e) for e in chosen)
    lines = ["NAME", f"    git-upgrade - {top.help.splitlines()[0]}", "", "SYNOPSIS", f"    {top.synopsis}", ""]
    lines.append("DESCRIPTION")
    for paragraph in _DESCRIPTION:
        lines += [*_wrap(paragraph, 4), ""]
    lines.append("OPTIONS")
    lines += _text_options(top.options)
    lines += ["", "COMMANDS"]
    lines += [_text_entry(e) for e in commands]
    for title, paragraphs in _SECTIONS:
        lines.append(title)
        for paragraph in paragraphs:
            lines += [*_wrap(paragraph, 4), ""]
    return "\n".join(lines).rstrip() + "\n"


def _text_entry(entry: Entry) -> str:
    lines = [f"  {entry.synopsis}"]
    for paragraph in entry.help.split("\n\n"):
        lines += _wrap(" ".join(paragraph.split()), 6)
    lines += _text_options(entry.options, indent=6)
    return "\n".join(lines) + "\n"


def _text_options(options: list[tuple[str, str]], indent: int = 4) -> list[str]:
    lines: list[str] = []
    for names, text in options:
        lines.append(" " * indent + names)
        lines += _wrap(text, indent + 4)
    return lines


def _wrap(text: str, indent: int) -> list[str]:
    return click.wrap_text(text, width=88, initial_indent=" " * indent, subsequent_indent=" " * indent).splitlines()


def _roff_options(options: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    for names, text in options:
        out += [".TP", f"\\fB{_roff(names)}\\fR", _roff(text)]
    return out


def _roff(text: str) -> str:
    """Escape text for roff: backslashes, hyphens of options, and a leading control character."""
    escaped = text.replace("\\", "\\e").replace("-", "\\-")
    lines = [f"\\&{line}" if line.startswith((".", "'")) else line for line in escaped.splitlines() or [""]]
    return "\n".join(lines)


if __name__ == "__main__":
    from gitupgrade.cli.main import cli

    click.echo(render_roff(cli), nl=False)
