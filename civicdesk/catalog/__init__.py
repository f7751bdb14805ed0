"""The service catalogue: service types, their questions, statuses and routing rules."""
