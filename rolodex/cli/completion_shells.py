"""The completion scripts rolodex ships for bash, zsh and fish, the answers each one reads
back, and ``--install-completion`` / ``--show-completion``.

Each script runs ``rolodex`` with ``_ROLODEX_COMPLETE=complete_SHELL`` (click's protocol)
and reads one candidate a line. Typer's own scripts lose what REFs allow: bash and zsh
keep only candidates starting with the typed text as typed (``zo`` never reaches
``Zoë``), bash inserts ``Zoë Müller`` unquoted, and zsh ``eval``s a line built from
contact names. Here no script evaluates what it reads: bash gets words already quoted for
where they go (after the cursor's quote, or a word-break character such as ``@``), zsh
adds them with ``compadd -U`` (its quoting, no prefix filter), fish quotes them itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from typer._click.shell_completion import (
    CompletionItem,
    ShellComplete,
    add_completion_class,
    split_arg_string,
)

SHELLS = ("bash", "zsh", "fish")

BASH = r"""
_rolodex_completion() {
    mapfile -t COMPREPLY < <(env _ROLODEX_COMPLETE=complete_bash \
        _ROLODEX_LINE="${COMP_LINE:0:COMP_POINT}" _ROLODEX_WORDBREAKS="$COMP_WORDBREAKS" \
        "$1" 2>/dev/null)
    [[ ${#COMPREPLY[@]} == 1 && -z ${COMPREPLY[0]} ]] && COMPREPLY=()  # none: paths
    return 0
}

complete -o default -F _rolodex_completion rolodex
"""

ZSH = r"""
#compdef rolodex

_rolodex_completion() {
  local -a found values shown
  local line
  found=("${(@f)$(env _ROLODEX_COMPLETE=complete_zsh \
      _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" rolodex 2>/dev/null)}")
  for line in "${found[@]}"; do
    [[ $line == *$'\t'* ]] || continue
    values+=("${line%%$'\t'*}")
    shown+=("${line#*$'\t'}")
  done
  if (( ${#values} )); then
    compadd -U -l -d shown -a values
  else
    _files
  fi
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
  _rolodex_completion "$@"
else
  compdef _rolodex_completion rolodex
fi
"""

FISH = r"""
function __rolodex_complete
    set -l found (env _ROLODEX_COMPLETE=complete_fish \
        _ROLODEX_LINE=(commandline -cp | string collect) rolodex 2>/dev/null)
    if string length -q -- $found
        printf '%s\n' $found
    else
        __fish_complete_path (commandline -ct)
    end
end

complete --command rolodex --no-files --arguments '(__rolodex_complete)'
"""

_QUOTES = "'\""
_PREFIXES = "$@"  # bash's rl_special_prefixes: word breaks kept in the replaced text


class _Shell(ShellComplete):
    """The shared part: the script, and candidates one a line."""

    script = ""
    line_variable = "_ROLODEX_LINE"  # where the script puts the line being completed

    def source(self) -> str:
        return self.script.strip()

    def source_vars(self) -> dict[str, Any]:
        return {}

    def get_completion_args(self) -> tuple[list[str], str]:
        return _args_and_word(os.environ.get(self.line_variable, ""))

    def candidates(self) -> tuple[list[CompletionItem], str]:
        """The candidates for the line being completed, and the word typed so far. A
        file or folder wanted (click's "file" and "dir" items) is left to the shell,
        whose script completes paths when it reads no candidate."""
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        return [item for item in items if item.type == "plain"], incomplete


class BashComplete(_Shell):
    """bash: what readline's word replaces, escaped for where the cursor is."""

    name = "bash"
    script = BASH

    def format_completion(self, item: CompletionItem) -> str:
        return str(item.value)

    def complete(self) -> str:
        items, incomplete = self.candidates()
        line = os.environ.get(self.line_variable, "")
        raw = "" if line[-1:].isspace() else _last_word(line)
        breaks = os.environ.get("_ROLODEX_WORDBREAKS", " \t\n\"'@><=;|&(:")
        start = _replaced_from(raw, breaks)
        head = "".join(split_arg_string(raw[:start])) if start else ""
        quote = raw[start:start + 1] if raw[start:start + 1] in ("'", '"') else ""
        tails = _keeping(incomplete[len(head):], [str(i.value)[len(head):] for i in items])
        return "\n".join(_bash_quoted(tail, quote) for tail in tails)


class ZshComplete(_Shell):
    """zsh: what to insert, tab, what to show (the name and its description); the
    script adds them with ``compadd -U``, which quotes them and keeps the non-matching."""

    name = "zsh"
    script = ZSH
    line_variable = "_TYPER_COMPLETE_ARGS"

    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.value}  -- {item.help}" if item.help else str(item.value)

    def complete(self) -> str:
        items, incomplete = self.candidates()
        values = _keeping(incomplete, [str(item.value) for item in items])
        return "\n".join(f"{value}\t{self.format_completion(item)}"
                         for value, item in zip(values, items, strict=True))


class FishComplete(_Shell):
    """fish: value, tab, description, as ``complete --arguments`` reads them."""

    name = "fish"
    script = FISH

    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.value}\t{item.help}" if item.help else str(item.value)

    def complete(self) -> str:
        """fish keeps only candidates it matches itself (case ignored, accents not): one
        that REFs match but fish would not (``Zoë Lim`` for ``zoe``, ``Straße`` for
        ``strasse``) is offered as typed, then completed (``zoe Lim``, which finds her)."""
        items, incomplete = self.candidates()
        for item in items:
            if not str(item.value).lower().startswith(incomplete.lower()):
                item.value = incomplete + _rest(str(item.value), incomplete)
        return "\n".join(self.format_completion(item) for item in items)


def _keeping(typed: str, values: list[str]) -> list[str]:
    """``values``, each starting with ``typed`` as typed when the shell would otherwise
    replace it with their common start, shorter than it (``mu`` offering Müller and
    Muñoz would become ``M``): they match by case and accents ignored, as REFs do."""
    if len(values) > 1 and _common_length(values) < len(typed):
        return [typed + _rest(value, typed) for value in values]
    return values


def _common_length(values: list[str]) -> int:
    """How many characters all ``values`` start with."""
    first, last = min(values), max(values)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return n


def _rest(value: str, typed: str) -> str:
    """What ``value`` has after the part of it that ``typed`` matched (case and accents
    ignored: ``Straße Anna`` after ``strasse`` is `` Anna``)."""
    from rolodex.normalize import fold

    want = fold(typed)
    for end in range(min(len(value), 2 * len(typed) + 2) + 1):  # "ß" folds to "ss"
        if fold(value[:end]).startswith(want):
            return value[end:]
    return value[len(typed):]


def _args_and_word(line: str) -> tuple[list[str], str]:
    """The words of ``line`` after the program's name, unquoted, and the one being typed
    (empty after a space)."""
    words = split_arg_string(line)[1:]
    if words and not line[-1:].isspace():
        return words[:-1], words[-1]
    return words, ""


def _last_word(line: str) -> str:
    """The raw text of the line's last word: quotes and backslashes as typed."""
    start, quote, escaped = 0, "", False
    for i, c in enumerate(line):
        if escaped:
            escaped = False
        elif c == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if c == quote else quote
        elif c in _QUOTES:
            quote = c
        elif c.isspace():
            start = i + 1
    return line[start:]


def _replaced_from(raw: str, breaks: str) -> int:
    """Where in the word readline's replaced text starts: after the last word-break
    character outside quotes (``--db=`` and ``tag:`` stay), or on it when bash counts
    it a prefix of the word (``@vip`` is replaced whole)."""
    start, quote, escaped = 0, "", False
    for i, c in enumerate(raw):
        if escaped:
            escaped = False
        elif c == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if c == quote else quote
        elif c in _QUOTES:
            quote, start = c, i
        elif c in breaks and not c.isspace():
            start = i if c in _PREFIXES else i + 1
    return start


_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.,/%@:=")


def _bash_quoted(text: str, quote: str) -> str:
    """``text`` as typed after ``quote`` (readline adds the closing one), or bare."""
    if quote == "'":
        return text.replace("'", "'\\''")
    if quote == '"':
        return "".join("\\" + c if c in '"$`\\' else c for c in text)
    return "".join(c if c in _PLAIN or (not c.isascii() and c.isalnum()) else "\\" + c
                   for c in text)


def register() -> None:
    """Make click answer ``_ROLODEX_COMPLETE=complete_SHELL`` with these classes."""
    for cls in (BashComplete, ZshComplete, FishComplete):
        add_completion_class(cls, cls.name)


def script(shell: str) -> str:
    """The completion script for ``shell``."""
    return {"bash": BASH, "zsh": ZSH, "fish": FISH}[shell].strip() + "\n"


def detected_shell() -> str | None:
    """The shell rolodex runs under (its parent processes), else the login shell."""
    try:
        import shellingham

        return shellingham.detect_shell()[0]
    except Exception:
        name = Path(os.environ.get("SHELL", "")).name
        return name or None


def install(shell: str) -> Path:
    """Write ``shell``'s script where that shell loads it, and the start-up line that
    makes it look there; returns the script's path."""
    home = Path.home()
    if shell == "bash":
        path = home / ".bash_completions" / "rolodex.sh"
        _add_line(home / ".bashrc", f"source '{path}'")
    elif shell == "zsh":
        path = home / ".zfunc" / "_rolodex"
        _add_line(home / ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit")
    else:
        path = home / ".config" / "fish" / "completions" / "rolodex.fish"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script(shell))
    return path


def _add_line(rc: Path, line: str) -> None:
    text = rc.read_text() if rc.is_file() else ""
    if line not in text.splitlines():
        rc.write_text(text + ("" if not text or text.endswith("\n") else "\n") + line + "\n")
