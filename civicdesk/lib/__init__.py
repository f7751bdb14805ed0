"""Small helpers with no models: environment, geometry, time, ids, media."""
