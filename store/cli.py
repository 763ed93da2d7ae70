"""Store-wide Flask CLI commands. Areas add theirs on their blueprint (Blueprint(..., cli_group=None))."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from store.catalog.models import Product
from store.demo import seed_all
from store.extensions import db


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only seed when the catalog has no products.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo catalog, disclaimers and guides (safe to run again)."""
    if if_empty and db.session.scalar(select(func.count(Product.id))):
        click.echo("Catalog already has products; demo data not loaded.")
        return
    counts = seed_all()
    click.echo("Demo data: " + ", ".join(f"{n} {k} created" for k, n in counts.items()))


def register(app: Flask) -> None:
    from store.jobs.cli import worker
    from store.safety.cli import check_claims

    app.cli.add_command(seed_demo)
    app.cli.add_command(check_claims)
    app.cli.add_command(worker)
