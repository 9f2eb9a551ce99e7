_rolodex_completion() {
    mapfile -t COMPREPLY < <(env _ROLODEX_COMPLETE=complete_bash \
        _ROLODEX_LINE="${COMP_LINE:0:COMP_POINT}" _ROLODEX_WORDBREAKS="$COMP_WORDBREAKS" \
        "$1" 2>/dev/null)
    [[ ${#COMPREPLY[@]} == 1 && -z ${COMPREPLY[0]} ]] && COMPREPLY=()  # none: paths
    return 0
}

complete -o default -F _rolodex_completion rolodex
