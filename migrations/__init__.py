"""Alembic migrations: the only way hireloop's schema is created or changed."""
