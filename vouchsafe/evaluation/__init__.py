"""Measurement harnesses behind `vouchsafe eval`."""
