"""Synthetic survey exports for the reference county (Jönköpings län).

The generator (``python -m sample.generator``) writes a landing area with one
export per survey year in that year's real-world format, plus ``invitations.csv`` and
``profile.txt`` (docs/data-contracts.md §2). The bundled sample under ``sample/landing`` is
its output with the default seed.

Modules:
    reference -- reads the organisation register and instrument codebook seeds.
    model     -- the statistical model of organisations, respondents and answers.
    formats   -- writers for the 2018 (cp1252 CSV), 2019 (XLSX) and 2020 (UTF-8 CSV) exports.
    generate  -- the command line and the orchestration of one run.
"""
