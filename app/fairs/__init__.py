"""Fairs, the jobs attached to them, and their live sessions (rooms)."""
