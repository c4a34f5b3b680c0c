"""One router per noun; each module exposes ``routes(ctx) -> list[Route]``."""
