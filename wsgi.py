"""WSGI entry point: `gunicorn wsgi:app`.

Production settings unless STORE_ENV says otherwise (`make run` sets STORE_ENV=development): production refuses
to start without a real SECRET_KEY, a PostgreSQL DATABASE_URL and an https STORE_URL, so a forgotten variable
never serves the development key and demo payments."""
from config import config_from_env
from store import create_app

app = create_app(config_from_env())
