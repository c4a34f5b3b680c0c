"""The provider's keyed confirmation hash: a second, independent check past threshold.

``keyed_hash`` is the signal type (computed from the visual derivative under a provider secret),
``key`` the secret it is keyed by, ``centre.json`` the one fitted constant it needs.
"""
