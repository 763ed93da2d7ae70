"""Store-wide Flask CLI commands. Areas add theirs on their blueprint (Blueprint(..., cli_group=None))."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
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


@click.command("search-reindex")
def search_reindex() -> None:
    """Index every active product and published guide again (after the search_1 migration, or any time:
    the saves keep the index current on their own). One transaction."""
    from store.catalog.services import reindex_product
    from store.guides.models import Guide
    from store.guides.services import reindex_guide
    products = guides = 0
    for product in db.session.scalars(select(Product)):
        reindex_product(product)
        products += 1
    for guide in db.session.scalars(select(Guide)):
        reindex_guide(guide)
        guides += 1
    db.session.commit()
    click.echo(f"Search index: {products} products and {guides} guides re-indexed (drafts and archived removed).")


@click.command("page-cache-clear")
@with_appcontext
def page_cache_clear() -> None:
    """Make every cached page stale (a new generation): after changing the database by hand, outside the app."""
    from flask import current_app

    from store import pagecache
    if "page_cache" not in current_app.extensions:
        click.echo("The page cache is off (PAGE_CACHE=off): nothing to clear.")
        return
    pagecache.bump(current_app)
    click.echo("Page cache: every cached page is stale now.")


def register(app: Flask) -> None:
    from store.jobs.cli import worker
    from store.safety.cli import check_claims

    app.cli.add_command(seed_demo)
    app.cli.add_command(search_reindex)
    app.cli.add_command(check_claims)
    app.cli.add_command(worker)
    app.cli.add_command(page_cache_clear)
