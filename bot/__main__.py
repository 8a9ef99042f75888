"""`python -m bot` is the same as the `gremienbot` console script."""

from bot.cli import main

main()
