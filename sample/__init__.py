"""The bundled sample: a synthetic landing area (``sample/landing``) and its generator.

Not part of the production package (``pipelines``): the pipeline never imports it. Tests and
``benchmarks/run.py`` run the generator from the repository root (``python -m sample.generator``).
"""
