"""Service requests: the request itself, its status lifecycle, timeline and attachments."""
