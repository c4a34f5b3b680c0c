"""Hash-set lifecycle on the provider's side: source lists, provenance, releases, audit, diff.

A *hash set* is built from signed *source lists* of named organisations; an entry is admitted
only under the provenance rule (by default: listed by at least two organisations, never
withdrawn). A *release* is one signed, blinded version of it (``protocol/release.proto``). The
reference server loads a release with its private server bundle through
:func:`vouchsafe.server.hashset.bundle.load_release_bundle`.
"""
