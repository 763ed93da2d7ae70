"""`flask import-catalog FILE.csv [--dry-run]`: the full catalog CSV (format: store/admin/catalog/transfer.py)."""
from __future__ import annotations

import click

from store.admin import bp
from store.admin.catalog import transfer


@bp.cli.command("import-catalog")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
def import_catalog(csv_file, dry_run: bool) -> None:
    """Import products and variants (one row per variant), all or nothing."""
    data = csv_file.read()
    name = getattr(csv_file, "name", "file")
    try:
        plan = transfer.plan(data)
    except transfer.CatalogImportRejected as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s) found; nothing was imported.") from exc
    for row in plan.products:
        if row.action != "unchanged" or row.notes:
            detail = ", ".join(row.changes + row.notes)
            click.echo(f"line {row.line}: {row.action} {row.slug}" + (f" ({detail})" if detail else ""))
    for change in plan.changed_categories:
        click.echo(f"category {change}: changed")
    click.echo(f"{plan.created} to create, {plan.updated} to change, {len(plan.new_categories)} new categories, "
               f"{len(plan.changed_categories)} categories changed.")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    with click.progressbar(length=plan.rows, label=f"Importing {plan.rows} rows") as bar:
        try:
            transfer.apply(data, actor_id=None, source=f"flask import-catalog {name}", progress=bar.update)
        except transfer.CatalogImportRejected as exc:
            raise click.ClickException(" ".join(exc.errors)) from exc
    click.echo(f"Imported {plan.rows} rows: {plan.created} products created, {plan.updated} changed.")
