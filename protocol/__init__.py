"""The wire format: ``*.proto`` sources, their generated code, the normative spec (SPEC.md)
and the test vectors."""
