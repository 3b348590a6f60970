"""`python -m service.cli`: the `polku` command, with every group registered."""

from service.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
