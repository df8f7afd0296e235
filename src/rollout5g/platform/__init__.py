"""The platform layer: what every capability app builds on (route access declarations, …). No capability imports here."""
