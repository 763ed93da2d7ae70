"""`flask worker`: Huey's consumer for this app (outbox deliveries, retries and the periodic jobs)."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker threads (default: JOB_WORKERS).")
@click.option("--no-periodic", is_flag=True,
              help="Do not run the scheduled jobs in this process (another worker runs them).")
@with_appcontext
def worker(workers: int | None, no_periodic: bool) -> None:
    """Deliver queued emails and run the scheduled jobs until Ctrl-C (or SIGTERM). Run as many as wanted,
    on as many machines, against the same database and JOB_QUEUE_URL."""
    from store.jobs import get_huey, make_consumer

    app = current_app._get_current_object()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("huey").setLevel(logging.INFO)
    consumer = make_consumer(get_huey(app), workers=workers or app.config["JOB_WORKERS"],
                             tick_seconds=app.config["JOBS_TICK_SECONDS"], periodic=not no_periodic)
    click.echo(f"Worker: {consumer.workers} thread(s), queue {app.config['JOB_QUEUE_URL'] or 'memory'}, "
               f"scheduled jobs {'off' if no_periodic else 'on'}")
    consumer.run()
