"""Append-only, hash-chained audit history of every state change."""
