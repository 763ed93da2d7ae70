"""`flask import-inventory FILE.csv`: the CSV import for large files, with a progress bar."""
from __future__ import annotations

import click

from store.admin import bp
from store.admin.inventory import services as admin_inventory


@bp.cli.command("import-inventory")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--batch-size", default=1000, show_default=True, help="Rows applied per batch.")
def import_inventory(csv_file, batch_size: int) -> None:
    """Import prices and stock (columns sku, price, compare_at, on_hand). All rows are checked first;
    nothing changes unless every row is valid. Stock changes are written to the ledger as count corrections."""
    data = csv_file.read()
    name = getattr(csv_file, "name", "file")
    click.echo(f"Checking {name}…")
    try:
        rows = admin_inventory.validate_csv(data)
    except admin_inventory.ImportRejected as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s) found; nothing was imported.") from exc
    with click.progressbar(length=len(rows), label=f"Importing {len(rows)} rows") as bar:
        try:
            result = admin_inventory.apply_import(rows, actor_id=None, source=f"flask import-inventory {name}",
                                                  actor="flask import-inventory", batch_size=batch_size, progress=bar.update)
        except admin_inventory.ImportRejected as exc:
            raise click.ClickException(" ".join(str(e) for e in exc.errors)) from exc
    click.echo(f"Imported {result.rows} rows: {result.price_changes} price changes, "
               f"{result.stock_changes} stock changes.")
