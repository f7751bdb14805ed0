"""Site-wide pages and plumbing: home, health check, language switch, template helpers."""
