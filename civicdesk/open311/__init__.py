"""Open311 GeoReport v2: the endpoints, API keys and the FixMyStreet updates extension."""
