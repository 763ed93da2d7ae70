"""WSGI entry point: `gunicorn wsgi:app` (STORE_ENV=production for a real deployment)."""
from config import config_from_env
from store import create_app

app = create_app(config_from_env())
