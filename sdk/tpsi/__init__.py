"""The threshold PSI with associated data protocol (tPSI-AD), both roles, one function per
step of ``protocol/SPEC.md``."""
