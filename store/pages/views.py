"""Policy and help pages (/shipping, /returns, /privacy, /terms, /about) and the contact page (/contact)."""
from __future__ import annotations

from email.utils import parseaddr

from flask import Flask, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from store.db import transaction
from store.extensions import limiter
from store.markup import render_markdown
from store.pagecache import cacheable
from store.pages import bp, services
from store.pages.forms import ContactForm
from store.seo import register_sitemap
from store.templating import memo_url_for

CONTACT_SENT = "Thank you: your message is with us. We reply by email, usually within one working day."
TOO_MANY = "You have sent several messages in a short time. Please wait a while and try again."


def register(app: Flask) -> None:
    """The pages in the sitemap, and ``policy_links()`` for the footer and checkout (no database: error pages
    show the footer too)."""
    register_sitemap(app, _sitemap_entries)
    app.add_template_global(policy_links, "policy_links")


def policy_links() -> list[tuple[str, str]]:
    """(label, URL) of every policy and help page, in footer order (through the link memo: every page shows them)."""
    return [(kind.label, page_url(kind.slug, memo_url_for)) for kind in services.PAGES]


def page_url(slug: str, build=url_for) -> str:
    return build("pages.contact") if slug == "contact" else build("pages.policy", slug=slug)


def _sitemap_entries() -> list[tuple[str, str | None]]:
    entries = []
    for slug, page in sorted(services.current_pages().items(), key=lambda kv: _order(kv[0])):
        entries.append((page_url(slug), page.effective_at.date().isoformat()))
    return entries


def _order(slug: str) -> int:
    return [k.slug for k in services.PAGES].index(slug)


def _page_or_404(slug: str):
    try:
        return services.current_page(slug)
    except services.MissingPage:
        abort(404, description="That page is not written yet. Our contact page is the quickest way to ask us.")


@bp.get("/<any(shipping, returns, privacy, terms, about):slug>")
@cacheable
def policy(slug: str):
    page = _page_or_404(slug)
    return render_template("pages/page.html", page=page, body=Markup(render_markdown(page.body)))


def _contact_limit() -> str:
    return current_app.config.get("CONTACT_RATE_LIMIT", "5 per hour")


def shop_address() -> str:
    """Where contact messages go: CONTACT_EMAIL, else the sender address."""
    configured = current_app.config.get("CONTACT_EMAIL") or current_app.config["MAIL_DEFAULT_SENDER"]
    return parseaddr(configured)[1] or configured


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"], error_message=TOO_MANY)
def contact():
    page = _page_or_404("contact")
    form = ContactForm()
    if form.validate_on_submit():
        if (form.website.data or "").strip():
            # A bot filled the hidden field: the same answer as a real message, and nothing is stored or sent.
            current_app.logger.info("Contact form: honeypot filled; message dropped")
        else:
            try:
                with transaction():
                    services.submit_contact(name=form.name.data, email=form.email.data, topic=form.topic.data,
                                            order_number=form.order_number.data or "", body=form.message.data,
                                            shop_address=shop_address(),
                                            store_name=current_app.config["STORE_NAME"])
            except services.PageError as exc:
                form.message.errors = [*form.message.errors, str(exc)]
                return _contact_page(page, form), 400
        flash(CONTACT_SENT, "success")
        return redirect(url_for("pages.contact"), code=303)
    status = 200 if request.method == "GET" or not form.errors else 400
    return _contact_page(page, form), status


def _contact_page(page, form):
    response = make_response(render_template("pages/contact.html", page=page, body=Markup(render_markdown(page.body)),
                                             form=form))
    response.headers["Cache-Control"] = "no-store"  # the form carries a CSRF token bound to this session
    return response
