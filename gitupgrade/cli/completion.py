"""``git upgrade completion bash|zsh|fish``: shell completion hooked in where git's own finds it.

git's completions delegate ``git upgrade <TAB>`` to a function named after the subcommand:
bash's calls ``_git_upgrade`` (and lazy-loads a file named ``git-upgrade`` from the
bash-completion directory), zsh's calls ``_git-upgrade`` (autoloaded from ``fpath`` through
``#compdef``), fish's takes ``complete -c git -n '__fish_git_using_command upgrade'``.
Each printed function asks the program itself through click's completion protocol
(``_GIT_UPGRADE_COMPLETE``), run as ``git upgrade`` so git's ``-C`` and ``--git-dir``
still apply. Upgrade ids come from the ledger index (:mod:`gitupgrade.ledger.lookup`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import CompletionItem

BASH = r"""# git upgrade completion for bash (git upgrade completion bash).
# git's completion calls _git_upgrade for `git upgrade <TAB>`; the same function serves git-upgrade.
_git_upgrade ()
{
	local IFS=$'\n' i start=0 suffix="" response completion type value
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == upgrade ]]; then
			start=$i
			suffix=" "  # git's completion runs with -o nospace and adds the space itself
			break
		fi
	done
	[[ ${COMP_WORDS[0]} == git-upgrade ]] && start=0 suffix=""
	local words=(git-upgrade "${COMP_WORDS[@]:start+1:COMP_CWORD-start}")
	if declare -F __git >/dev/null; then
		# git's helper adds the -C and --git-dir options given before `upgrade`.
		response=$(COMP_WORDS="${words[*]}" COMP_CWORD=$((COMP_CWORD - start)) \
			_GIT_UPGRADE_COMPLETE=bash_complete __git upgrade)
	else
		response=$(COMP_WORDS="${words[*]}" COMP_CWORD=$((COMP_CWORD - start)) \
			_GIT_UPGRADE_COMPLETE=bash_complete git upgrade 2>/dev/null)
	fi
	COMPREPLY=()
	for completion in $response; do
		IFS=',' read -r type value <<< "$completion"
		case $type in
		dir) compopt -o dirnames 2>/dev/null ;;
		file) compopt -o default 2>/dev/null ;;
		plain) COMPREPLY+=("$value$suffix") ;;
		esac
	done
}
complete -o nosort -F _git_upgrade git-upgrade 2>/dev/null || complete -F _git_upgrade git-upgrade
"""

ZSH = r"""#compdef git-upgrade
# git upgrade completion for zsh (git upgrade completion zsh > "${fpath[1]}/_git-upgrade").
# zsh's _git calls _git-upgrade for `git upgrade <TAB>`, with words starting at `upgrade`.
_git-upgrade () {
	local -a response completions described
	local type key descr
	response=("${(@f)$(COMP_WORDS="git-upgrade ${words[2,-1]}" COMP_CWORD=$((CURRENT - 1)) \
		_GIT_UPGRADE_COMPLETE=zsh_complete git upgrade 2>/dev/null)}")
	for type key descr in ${response}; do
		if [[ $type == plain ]]; then
			if [[ $descr == _ ]]; then completions+=("$key"); else described+=("$key:$descr"); fi
		elif [[ $type == dir ]]; then
			_path_files -/
		elif [[ $type == file ]]; then
			_path_files -f
		fi
	done
	(( ${#described} )) && _describe -V unsorted described -U
	(( ${#completions} )) && compadd -U -V unsorted -a completions
	return 0
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
	_git-upgrade "$@"
else
	compdef _git-upgrade git-upgrade
fi
"""

FISH = r"""# git upgrade completion for fish
# (git upgrade completion fish > ~/.config/fish/completions/git-upgrade.fish).
function __git_upgrade_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l idx (contains -i -- upgrade $tokens)
    if test "$tokens[1]" = git-upgrade
        set idx 1
    end
    set -l words git-upgrade $tokens[(math $idx + 1)..-1]
    # click's zsh protocol (type, value, help: three lines an item) is the same in every click 8.
    set -l response (env COMP_WORDS="$words $current" COMP_CWORD=(count $words) \
        _GIT_UPGRADE_COMPLETE=zsh_complete git upgrade 2>/dev/null)
    for i in (seq 1 3 (count $response))
        set -l value $response[(math $i + 1)]
        set -l help $response[(math $i + 2)]
        switch $response[$i]
            case dir
                __fish_complete_directories $current
            case file
                __fish_complete_path $current
            case plain
                if test "$help" != _
                    printf '%s\t%s\n' $value $help
                else
                    echo $value
                end
        end
    end
end
complete -c git -n '__fish_git_using_command upgrade' -f -a '(__git_upgrade_complete)'
complete -c git-upgrade -f -a '(__git_upgrade_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def upgrade_ids(*statuses: str) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A click ``shell_complete`` callback offering the ids of upgrades in ``statuses`` (all when none)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            from gitupgrade.config import load_config
            from gitupgrade.ledger import UpgradeLedger
            from gitupgrade.ledger.lookup import upgrade_ids as lookup
            from gitupgrade.repo import GitRepo

            root = ctx.find_root()
            repo = GitRepo.discover(Path(root.params.get("directory") or "."))
            config = load_config(repo, repo.resolve_commit("HEAD"), root.params.get("config_file"))
            return [CompletionItem(i) for i in lookup(UpgradeLedger(repo, config).db_path, statuses, incomplete)]
        except Exception:  # noqa: BLE001 - a completion never fails: no repository, no ids
            return []

    return complete


@click.command("completion")
@click.argument("shell", type=click.Choice(sorted(SCRIPTS)))
def command(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash: git upgrade completion bash > ~/.local/share/bash-completion/completions/git-upgrade
    zsh:  git upgrade completion zsh > ~/.zfunc/_git-upgrade  (with ~/.zfunc in fpath before compinit)
    fish: git upgrade completion fish > ~/.config/fish/completions/git-upgrade.fish
    """
    click.echo(SCRIPTS[shell], nl=False)
