"""Tests of sdk.media."""
