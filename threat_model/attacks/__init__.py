"""Executable attacks: each module's ``run(config)`` returns an outcome a test checks."""
