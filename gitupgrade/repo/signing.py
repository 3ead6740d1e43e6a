"""Writing commits as ``git commit`` would: the user's identity, signed when git would sign.

libgit2 never signs. With ``commit.gpgsign`` set we build the commit text with pygit2,
sign it by running the program git would run for ``gpg.format`` (``gpg.program`` for
openpgp, ``gpg.ssh.program`` = ``ssh-keygen -Y sign -n git`` for ssh, ``gpg.x509.program``
= ``gpgsm`` for x509) and store it with the signature in its ``gpgsig`` header.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pygit2

from gitupgrade.errors import GitOperationError, UserError
from gitupgrade.repo.core import GitRepo, git_command, git_env, git_operation
from gitupgrade.repo.gitconfig import parse_bool, parse_config_list
from gitupgrade.repo.identity import committer_signature, identity

_SIGNING_KEYS = r"^(commit\.gpgsign|gpg\..*|user\.signingkey)$"
_DEFAULT_PROGRAMS = {"openpgp": "gpg", "x509": "gpgsm", "ssh": "ssh-keygen"}


@dataclass(frozen=True)
class SigningConfig:
    """What git's config says about signing commits."""

    sign: bool
    format: str
    program: str
    key: str | None


def signing_config(repo: GitRepo) -> SigningConfig:
    """The commit-signing settings git would apply in ``repo`` (one ``git config`` call, cached)."""
    cached = repo.cache.get("signing")
    if isinstance(cached, SigningConfig):
        return cached
    done = subprocess.run(
        git_command(repo, "config", "-z", "--get-regexp", _SIGNING_KEYS),
        capture_output=True,
        text=True,
        check=False,
        env=git_env(),
    )
    values = parse_config_list(done.stdout)
    fmt = values.get("gpg.format", "openpgp").lower()
    if fmt not in _DEFAULT_PROGRAMS:
        raise UserError(f"unsupported gpg.format {fmt!r}", hint="use openpgp, ssh or x509")
    program = values.get(f"gpg.{fmt}.program") or (values.get("gpg.program") if fmt == "openpgp" else None)
    config = SigningConfig(
        sign=parse_bool(values.get("commit.gpgsign", "false")) is True,
        format=fmt,
        program=program or _DEFAULT_PROGRAMS[fmt],
        key=values.get("user.signingkey") or None,
    )
    repo.cache["signing"] = config
    return config


def write_commit(
    repo: GitRepo,
    raw: pygit2.Repository,
    message: str,
    tree: pygit2.Oid,
    parents: Sequence[pygit2.Oid],
    author: pygit2.Signature | None = None,
    sign: bool = True,
) -> pygit2.Oid:
    """Create a commit object (no ref moves) by the user, signed when ``commit.gpgsign`` says so.

    ``raw`` is the handle to write through (the staging worktree's shares the object
    store); ``author`` defaults to the user; ``sign=False`` for commits git itself never
    signs (notes).
    """
    committer = committer_signature(repo)
    author = author or identity(repo).author.signature()
    config = signing_config(repo) if sign else None
    with git_operation("create commit"):
        if config is None or not config.sign:
            return raw.create_commit(None, author, committer, message, tree, list(parents))
        # pygit2's stub says Oid; create_commit_string returns the commit's text
        content: str = raw.create_commit_string(author, committer, message, tree, list(parents))  # type: ignore[assignment]
    signature = _sign(repo, config, content)
    with git_operation("create signed commit"):
        return raw.create_commit_with_signature(content, signature)


def _sign(repo: GitRepo, config: SigningConfig, payload: str) -> str:
    if config.format == "ssh":
        return _sign_ssh(repo, config, payload)
    committer = identity(repo).committer
    key = config.key or f"{committer.name} <{committer.email}>"
    done = _run([config.program, "--status-fd=2", "-bsau", key], payload, what=config.format)
    if "[GNUPG:] SIG_CREATED " not in done.stderr:
        raise _signing_failed(config, done.stderr)
    return done.stdout


def _sign_ssh(repo: GitRepo, config: SigningConfig, payload: str) -> str:
    if not config.key:
        raise UserError(
            "commit.gpgsign is set with gpg.format=ssh but user.signingkey is not",
            hint="git config user.signingkey ~/.ssh/id_ed25519.pub (a key file, or the public key itself)",
        )
    with tempfile.TemporaryDirectory(prefix="git-upgrade-sign-") as tmp:
        buffer = Path(tmp) / "commit"
        buffer.write_text(payload)
        argv = [config.program, "-Y", "sign", "-n", "git", "-f"]
        literal = config.key.removeprefix("key::")
        if literal != config.key or config.key.startswith("ssh-"):
            # A literal public key: the private half is in the ssh agent, as git does with -U.
            key_file = Path(tmp) / "key.pub"
            key_file.write_text(literal + "\n")
            argv += [str(key_file), "-U"]
        else:
            argv.append(str(_key_path(repo, config.key)))
        done = _run([*argv, str(buffer)], None, what="ssh")
        signature_file = buffer.with_name("commit.sig")
        if done.returncode != 0 or not signature_file.is_file():
            raise _signing_failed(config, done.stderr)
        return signature_file.read_text()


def _key_path(repo: GitRepo, key: str) -> Path:
    path = Path(key).expanduser()
    if not path.is_absolute():
        path = (repo.workdir or repo.git_dir) / path  # git resolves it from the top of the work tree
    return path


def _run(argv: list[str], payload: str | None, what: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, input=payload, capture_output=True, text=True, check=False, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitOperationError(
            f"sign commit ({what})", f"cannot run {argv[0]}: {exc}", hint="check gpg.program / gpg.ssh.program"
        ) from exc


def _signing_failed(config: SigningConfig, stderr: str) -> GitOperationError:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("[GNUPG:]")]
    detail = lines[-1].strip() if lines else "no signature produced"
    return GitOperationError(
        f"sign commit ({config.format})",
        f"{config.program} failed: {detail}",
        hint="git commit would fail the same way: check user.signingkey, or unset commit.gpgsign",
    )
