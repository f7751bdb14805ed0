"""Residents and staff: one user model, signed in by email."""
