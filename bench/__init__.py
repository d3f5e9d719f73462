"""Benchmarks and the load and soak runs, kept out of the product (``registry``).

Run from the project root as modules, e.g. ``.venv/bin/python -m bench.load`` or
``.venv/bin/python -m bench.seed --scale 0.1 --database-url sqlite:///instance/bench.sqlite3``;
see bench/README.md.
"""
