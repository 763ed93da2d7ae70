"""The synonym groups in the back office: validated, audited, and used by the next search."""
from store import search
from store.search.models import SearchSynonym
from tests.admin.conftest import audit_rows
from tests.factories import make_product


def _html(response):
    return response.get_data(as_text=True)


def test_add_edit_and_remove_a_group(app, db, admin_client):
    page = admin_client.get("/admin/search/synonyms")
    assert page.status_code == 200 and "Search synonyms" in _html(page)
    response = admin_client.post("/admin/search/synonyms", data={"new-terms": "  Guasha , GUA SHA, gua sha "})
    assert response.status_code == 302
    group = db.session.scalar(db.select(SearchSynonym))
    assert group.terms == "guasha, gua sha"
    assert "guasha, gua sha" in _html(admin_client.get("/admin/search/synonyms"))
    assert [r.action for r in audit_rows(db, "search.synonym_add")] == ["search.synonym_add"]

    response = admin_client.post(f"/admin/search/synonyms/{group.id}", data={f"s{group.id}-terms": "guasha, gua sha, scraper"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(SearchSynonym, group.id).terms == "guasha, gua sha, scraper"

    assert admin_client.post(f"/admin/search/synonyms/{group.id}/delete").status_code == 302
    assert db.session.scalar(db.select(SearchSynonym)) is None
    assert len(audit_rows(db, "search.synonym_delete")) == 1


def test_bad_groups_are_refused_with_a_reason_and_change_nothing(app, db, admin_client):
    for terms, reason in [("", "at least two"), ("guasha", "at least two"), ("guasha, GUASHA", "at least two"),
                          ("x" * 70 + ", y", "too long"), ("a b c d e, f", "more than 4 words"),
                          (",,,", "at least two")]:
        response = admin_client.post("/admin/search/synonyms", data={"new-terms": terms})
        assert response.status_code == 400, terms
        assert reason in _html(response).lower() or reason in _html(response), (terms, _html(response)[-2000:])
    # A NUL byte is refused by the shop's own guard (a plain 400), before the form is read.
    assert admin_client.post("/admin/search/synonyms", data={"new-terms": "a\x00b, c"}).status_code == 400
    assert db.session.scalar(db.select(SearchSynonym)) is None
    admin_client.post("/admin/search/synonyms", data={"new-terms": "guasha, gua sha"})
    clash = admin_client.post("/admin/search/synonyms", data={"new-terms": "gua sha, scraper"})
    assert clash.status_code == 400 and "already in the group" in _html(clash)
    assert admin_client.post("/admin/search/synonyms/999999", data={"s999999-terms": "a, b"}).status_code == 404
    assert admin_client.post("/admin/search/synonyms/999999/delete").status_code == 404


def test_a_new_group_applies_to_the_next_search(app, db, admin_client):
    board = make_product("Stone Gua Sha Board", summary="A smooth stone board.")
    db.session.commit()
    assert search.search("scraper") == []
    admin_client.post("/admin/search/synonyms", data={"new-terms": "scraper, gua sha"})
    assert [h.doc_id for h in search.search("scraper")] == [board.id]


def test_readonly_sees_but_cannot_change(app, db, make_user, login_as):
    client = app.test_client()
    login_as(client, make_user(email="viewer@kneadwell.test", role="readonly"))
    assert client.get("/admin/search/synonyms").status_code == 200
    refused = client.post("/admin/search/synonyms", data={"new-terms": "a1, b1"})
    assert refused.status_code == 403 and "search synonyms" in _html(refused)
    assert db.session.scalar(db.select(SearchSynonym)) is None
