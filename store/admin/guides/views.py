"""Back office: guides (create, edit with preview, steps, FAQs, references, products; publish/unpublish)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from store import util
from store.admin import bp
from store.admin.forms import select_choices
from store.admin.guides import services as service
from store.admin.guides.forms import GuideForm
from store.extensions import db
from store.guides import services as guides
from store.markup import render_markdown
from store.safety import screening
from store.util import page_number, slugify

BLANK_ROWS = 2


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _data(form: GuideForm) -> guides.GuideData:
    return guides.GuideData(
        slug=(form.slug.data or "").strip() or slugify(form.title.data or ""), title=form.title.data or "",
        summary=form.summary.data or "", body=form.body.data or "", clinician_note=form.clinician_note.data or "",
        hero_image=(form.hero_image.data or "").strip() or None, hero_alt=form.hero_alt.data or "",
        reviewed_by=form.reviewed_by.data or None, tags=_split(form.tags.data),
        steps=[guides.StepData((s.title.data or "").strip(), s.body.data or "", _split(s.products.data))
               for s in form.steps if (s.title.data or "").strip() or (s.body.data or "").strip()],
        faqs=[guides.FAQData((f.question.data or "").strip(), f.answer.data or "")
              for f in form.faqs if (f.question.data or "").strip() or (f.answer.data or "").strip()],
        references=[guides.ReferenceData((r.citation.data or "").strip(), r.pmid.data or None, r.doi.data or None,
                                         (r.title.data or "").strip(), (r.journal.data or "").strip(), r.year.data)
                    for r in form.references
                    if any((f.data or "").strip() for f in (r.citation, r.pmid, r.doi, r.title, r.journal))],
        products=list(form.products.data or []),
        ask_clinician=_advice(form.ask_clinician.data))


def _advice(text: str | None) -> dict[str, str]:
    """"slug: reason" lines -> {slug: reason} (a line without a colon names a tool with no reason yet: the
    guide's validation asks for one)."""
    advice = {}
    for line in (text or "").splitlines():
        slug, _, reason = line.partition(":")
        if slug.strip():
            advice[slug.strip()] = reason.strip()
    return advice


def _form_from(guide) -> GuideForm:
    data = {
        "version": str(guide.version), "title": guide.title, "slug": guide.slug, "summary": guide.summary,
        "body": guide.body_md, "clinician_note": guide.clinician_note_md, "hero_image": guide.hero_image or "",
        "hero_alt": guide.hero_alt, "reviewed_by": guide.reviewed_by or "",
        "tags": ", ".join(t.name for t in guide.tags),
        "products": [link.product.slug for link in guide.product_links],
        "steps": [{"title": s.title, "body": s.body_md, "products": ", ".join(p.slug for p in s.products)}
                  for s in guide.steps] + [{}] * BLANK_ROWS,
        "faqs": [{"question": f.question, "answer": f.answer_md} for f in guide.faqs] + [{}] * BLANK_ROWS,
        "references": [{"citation": r.citation, "pmid": r.pmid or "", "doi": r.doi or "", "title": r.title,
                        "journal": r.journal, "year": r.year} for r in guide.references] + [{}] * BLANK_ROWS,
        "ask_clinician": "\n".join(f"{link.product.slug}: {link.note}" for link in guide.product_links
                                    if link.ask_clinician),
    }
    return GuideForm(formdata=None, data=data)


def _blank_form() -> GuideForm:
    return GuideForm(formdata=None, data={"steps": [{}] * 3, "faqs": [{}] * BLANK_ROWS,
                                          "references": [{}] * BLANK_ROWS})


def _override() -> screening.Override | None:
    """The claims override typed next to Save or Publish (plain fields: reason and evidence)."""
    if request.form.get("claims_override") != "y":
        return None
    return screening.Override(reason=(request.form.get("claims_reason") or "")[:500],
                              evidence=(request.form.get("claims_evidence") or "")[:300])


def _render(form, guide=None, preview=None, errors=None, status=200):
    form.products.choices = select_choices(service.product_choices())
    flags = service.claims_flags(_data(form)) if (form.title.data or form.body.data) else []
    return render_template("admin/guide_edit.html", form=form, guide=guide, preview=preview,
                           errors=errors or {}, flags=flags), status


@bp.get("/guides")
def guides_list():
    q = (request.args.get("q") or "").strip()[:100]
    page = page_number(request.args.get("page"))
    pagination = db.paginate(service.guide_list_statement(q), page=page, per_page=30, error_out=False)
    util.require_page_in_range(pagination)
    return render_template("admin/guides.html", pagination=pagination, q=q)


@bp.get("/guides/new")
def guide_new():
    return _render(_blank_form())


@bp.get("/guides/<int:guide_id>")
def guide_edit(guide_id: int):
    guide = service.guide_for_edit(guide_id)
    if guide is None:
        abort(404)
    return _render(_form_from(guide), guide)


def _save(guide_id: int | None):
    guide = service.guide_for_edit(guide_id) if guide_id else None
    if guide_id and guide is None:
        abort(404)
    form = GuideForm()
    form.products.choices = select_choices(service.product_choices())
    if form.preview.data:
        preview = {"body": render_markdown(form.body.data), "clinician_note": render_markdown(form.clinician_note.data),
                   "steps": [(s.title.data, render_markdown(s.body.data)) for s in form.steps if s.title.data]}
        return _render(form, guide, preview=preview)
    if not form.validate_on_submit():
        return _render(form, guide, status=400)
    try:
        expected = int(form.version.data) if guide_id else None
    except (TypeError, ValueError):
        expected = -1
    try:
        saved = service.save(_data(form), guide_id=guide_id, expected_version=expected, actor_id=current_user.id,
                             claims_override=_override())
    except guides.GuideInvalid as exc:
        return _render(form, guide, errors=exc.errors, status=400)
    except (screening.ClaimsNeedOverride, screening.OverrideInvalid) as exc:
        return _render(form, guide, errors={"claims": [str(exc)]}, status=400)
    except (service.StaleGuide, guides.GuideError) as exc:
        return _render(form, guide, errors={"form": [str(exc)]}, status=409)
    flash(f"Guide “{saved.title}” saved.", "success")
    return redirect(url_for("admin.guide_edit", guide_id=saved.id))


@bp.post("/guides/new")
def guide_create():
    return _save(None)


@bp.post("/guides/<int:guide_id>")
def guide_update(guide_id: int):
    return _save(guide_id)


@bp.post("/guides/<int:guide_id>/publish")
def guide_publish(guide_id: int):
    publish = request.form.get("action") == "publish"
    try:
        guide = service.set_published(guide_id, publish, actor_id=current_user.id, claims_override=_override())
    except (guides.GuideError, screening.ClaimsNeedOverride, screening.OverrideInvalid) as exc:
        flash(str(exc), "error")
    else:
        flash(f"“{guide.title}” is now {'published' if publish else 'a draft (hidden from readers)'}.", "success")
    return redirect(url_for("admin.guide_edit", guide_id=guide_id))
