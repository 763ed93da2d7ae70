"""The base of every form in the store: Flask-WTF's FlaskForm, reading only real form submissions.

Flask-WTF also reads a JSON request body as form data, and fails (a 500) when that JSON is a list, a number or
has non-string values. The store's forms are HTML forms: a JSON body is treated as an empty submission, so the
form answers with its usual field errors (the views turn them into a 400)."""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # Flask-WTF's "read the formdata from the request" default
from werkzeug.datastructures import ImmutableMultiDict


class StoreForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.is_json and not request.form and not request.files:
                return ImmutableMultiDict() if request.method in ("POST", "PUT", "PATCH", "DELETE") else None
            return super().wrap_formdata(form, formdata)
