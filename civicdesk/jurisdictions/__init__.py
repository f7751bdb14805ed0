"""Jurisdictions, their districts and address points, departments, teams and staff."""
