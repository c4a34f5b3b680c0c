"""Media decoding, signal types (perceptual hashes) and PSI candidates."""
