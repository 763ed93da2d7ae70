"""Back office: policy and help pages (each save a new version) with their history; contact messages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from store.admin import bp
from store.admin.pages import services as page_admin
from store.admin.pages.forms import PageForm
from store.markup import render_markdown
from store.pages import services as pages


def _kind_or_404(slug: str) -> pages.PageKind:
    kind = pages.PAGE_BY_SLUG.get(slug)
    if kind is None:
        abort(404)
    return kind


@bp.get("/pages")
def pages_list():
    return render_template("admin/pages.html", kinds=pages.PAGES, current=pages.current_pages())


@bp.route("/pages/<slug>", methods=["GET", "POST"])
def page_edit(slug: str):
    kind = _kind_or_404(slug)
    current = pages.current_or_none(slug)
    form = PageForm() if current is None else PageForm(data={"title": current.title, "summary": current.summary,
                                                             "body": current.body}, formdata=None)
    if form.is_submitted():
        form = PageForm()
        if form.validate():
            try:
                page = page_admin.save_page(slug, form.title.data, form.summary.data or "", form.body.data,
                                            actor_id=current_user.id)
            except pages.PageError as exc:
                form.body.errors = [*form.body.errors, str(exc)]
            else:
                flash(f"{kind.label} saved as version {page.version}.", "success")
                return redirect(url_for("admin.page_edit", slug=slug))
        return render_template("admin/page_edit.html", kind=kind, form=form, current=current), 400
    return render_template("admin/page_edit.html", kind=kind, form=form, current=current)


@bp.get("/pages/<slug>/versions")
def page_versions(slug: str):
    kind = _kind_or_404(slug)
    versions = [(v, Markup(render_markdown(v.body))) for v in pages.page_history(slug)]
    return render_template("admin/page_history.html", kind=kind, versions=versions)


@bp.get("/contact-messages")
def contact_messages():
    return render_template("admin/contact_messages.html", messages=pages.recent_messages(),
                           topics=dict(pages.CONTACT_TOPICS))
