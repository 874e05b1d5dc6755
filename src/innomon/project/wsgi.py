"""WSGI entry point (``innomon serve`` uses it through waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innomon.project.settings")
application = get_wsgi_application()
