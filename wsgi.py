"""The WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi run``."""

from registry import create_app

app = create_app()
