"""`flask check-claims FILE`: the claims screen for owners and pipelines.

One passage a line in (``-`` reads standard input), one JSON object a line out, in the same order:
``{"line": N, "flagged": true|false, "findings": [{"phrase": ..., "rule": ..., "why": ...}]}``. Exits 0 when it
could read the input (flagged passages are output, not failure); 2 when the file cannot be read."""
from __future__ import annotations

import json
import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from store import claims
from store.extensions import db
from store.safety import screening


@click.command("check-claims")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--context", type=click.Choice(claims.CONTEXTS), default="product", show_default=True,
              help="product: strictest (names, summaries, descriptions); guide: crediting a product or tool "
                   "with an outcome; review.")
def check_claims(file, context: str) -> None:
    """Screen one passage a line for health and regulatory claims; print one JSON object a line."""
    try:
        lexicon = screening.lexicon()           # the owner's additions, when the database is there
    except SQLAlchemyError:
        db.session.rollback()
        click.echo("check-claims: the store database is not reachable; screening with the built-in lexicon only.",
                   err=True)
        lexicon = claims.BUILTIN
    out = sys.stdout
    for number, line in enumerate(file, 1):
        findings = claims.screen(line.rstrip("\r\n"), context, lexicon)
        out.write(json.dumps({"line": number, "flagged": bool(findings),
                              "findings": [f.as_dict() for f in findings]}, ensure_ascii=False) + "\n")
    out.flush()
