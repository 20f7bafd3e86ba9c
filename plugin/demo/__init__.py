"""``hireloop demo`` (``cli``): hireloop beside a sandbox Greenhouse (``sandbox``) on SQLite."""
