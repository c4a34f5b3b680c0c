"""Test vectors of the tPSI-AD protocol (JSON) and the seeded generator that writes them."""
