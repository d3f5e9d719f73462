"""A large, reproducible register for benchmarks (``python -m bench.seed --scale N``).

``text`` makes the Thai text; one module per domain makes its rows in bulk
(``organisations``, ``agreements``, ``committees``, ``meetings``, ``proposals``);
``seed`` puts them together and writes them.
"""
