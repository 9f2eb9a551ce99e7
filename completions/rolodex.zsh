#compdef rolodex

_rolodex_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _ROLODEX_COMPLETE=complete_zsh rolodex)
}

compdef _rolodex_completion rolodex
