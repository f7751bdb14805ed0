"""Triage: the emergency guard and duplicate suggestions."""
