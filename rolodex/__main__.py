"""``python -m rolodex`` runs the same entry point as the ``rolodex`` script."""

from rolodex.cli import main

if __name__ == "__main__":
    main()
