"""CivicDesk: an open-source 311 and citizen-services platform."""
