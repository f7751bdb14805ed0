"""WSGI entry point for gunicorn: civicdesk.wsgi:application."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
application = get_wsgi_application()
