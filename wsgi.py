"""WSGI entry point: `gunicorn wsgi:app`.

Production settings unless STORE_ENV says otherwise (`make run` sets STORE_ENV=development): production refuses
to start without a real SECRET_KEY, a PostgreSQL DATABASE_URL and an https STORE_URL, so a forgotten variable
never serves the development key and demo payments."""
import gc

from config import config_from_env
from store import create_app

app = create_app(config_from_env())

# What start-up built (the app, its views, the ORM's mappers, compiled templates and statements) lives as long as
# the worker. Frozen, the garbage collector's full passes leave it out: they then walk a request's own objects
# only, a few milliseconds instead of about a hundred, which is a pause some request would otherwise wait for.
gc.collect()
gc.freeze()
