"""The append-only audit log of every write by staff or by the system."""
