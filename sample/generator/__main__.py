"""``python -m sample.generator``: the generator's command line (see ``generate``)."""

from .generate import main

main()
