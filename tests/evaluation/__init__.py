"""Tests of the measurement harnesses."""
