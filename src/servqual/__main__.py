"""``python -m servqual``: the ``servqual`` command line."""

from servqual.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
