"""`flask check-claims FILE`: one JSON object a line, in order; `-` reads standard input; exit 0 on readable
input; the owner's lexicon applies."""
from __future__ import annotations

import json

from store.safety import screening


def test_check_claims_reads_a_file_and_prints_json_lines_in_order(app, db, tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text("Eases plantar fasciitis.\nA firm ball for the arch.\n\nFDA approved and clinically proven.\n",
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["check-claims", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3, 4]
    assert [r["flagged"] for r in rows] == [True, False, False, True]
    assert rows[0]["findings"] == [{"phrase": "Eases plantar fasciitis", "rule": "condition-outcome",
                                    "why": rows[0]["findings"][0]["why"]}]
    assert [f["phrase"] for f in rows[3]["findings"]] == ["FDA approved", "clinically proven"]
    assert all(set(f) == {"phrase", "rule", "why"} for r in rows for f in r["findings"])


def test_check_claims_reads_standard_input_and_uses_the_owner_lexicon(app, db):
    screening.add_term("condition", "knotty calves", actor_id=None)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["check-claims", "-"],
                                          input="Unknots knotty calves.\nSoothes knotty calves.\n")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["flagged"] for r in rows] == [False, True]
    assert rows[1]["findings"][0]["phrase"] == "Soothes knotty calves"


def test_check_claims_fails_on_a_missing_file(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["check-claims", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0 and "nope.txt" in result.output
