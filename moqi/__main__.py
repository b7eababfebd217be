"""`python -m moqi` runs the CLI."""

from moqi.cli import main

main()
