"""The threat model (THREAT_MODEL.md) and its executable attacks."""
