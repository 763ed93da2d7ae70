"""Back office: the audit log viewer."""
from __future__ import annotations

from flask import render_template, request

from store import util
from store.admin import bp
from store.admin.audit import services as audit
from store.extensions import db


@bp.get("/audit")
def audit_log():
    f = audit.parse_filter(request.args)
    pagination = db.paginate(audit.audit_statement(f), page=f.page, per_page=50, error_out=False)
    util.require_page_in_range(pagination)
    return render_template("admin/audit.html", pagination=pagination, f=f, choices=audit.filter_choices())
