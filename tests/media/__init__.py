"""Tests of vouchsafe.sdk.media."""
