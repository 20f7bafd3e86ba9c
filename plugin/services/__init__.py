"""Application services: units of work over the session, with collaborators injected."""
