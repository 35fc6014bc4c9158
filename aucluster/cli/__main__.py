"""`python -m aucluster.cli`: the same as the `aucluster` command."""

from aucluster.cli import main

main()
