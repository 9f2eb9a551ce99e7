#!/usr/bin/env sh
# Regenerate the completion scripts from the real command tree (tests fail when stale).
set -eu
cd "$(dirname "$0")"
for shell in bash zsh fish; do
    _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION=1 python3 -m rolodex --show-completion "$shell" \
        > "rolodex.$shell"
done
