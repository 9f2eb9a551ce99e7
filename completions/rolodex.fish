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
