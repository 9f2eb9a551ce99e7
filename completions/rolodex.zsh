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
