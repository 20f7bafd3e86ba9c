"""hireloop commands that live in their own modules (``hireloop demo``)."""
