"""The hireloop domain: frameworks, rating scales, loops, guides and verdicts.

Pure Python. Nothing here imports Flask, SQLAlchemy, requests or the rest of the project,
so every rule can be tested and benchmarked in-process.
"""
