"""Intake channels. Each is a thin adapter that calls servicerequests.services.submit_request()."""
