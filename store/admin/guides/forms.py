"""Back-office guide form: the guide, its steps, FAQs and references (repeating sub-forms)."""
from __future__ import annotations

from wtforms import (FieldList, Form, FormField, HiddenField, IntegerField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from store.forms import StoreForm


class StepSubForm(Form):
    title = StringField("Step title", validators=[Length(max=200)])
    body = TextAreaField("Step text (Markdown)", validators=[Length(max=20_000)])
    products = StringField("Products used (slugs, comma-separated)", validators=[Length(max=1000)])


class FAQSubForm(Form):
    question = StringField("Question", validators=[Length(max=300)])
    answer = TextAreaField("Answer (Markdown)", validators=[Length(max=10_000)])


class ReferenceSubForm(Form):
    title = StringField("Article title", validators=[Length(max=300)])
    journal = StringField("Journal", validators=[Length(max=200)])
    year = IntegerField("Year", validators=[Optional(), NumberRange(min=1800, max=2200, message="A year like 2014.")])
    citation = StringField("Citation", validators=[Length(max=500)])
    pmid = StringField("PubMed ID (digits)", validators=[Length(max=20)])
    doi = StringField("DOI (10.xxxx/…)", validators=[Length(max=200)])


class GuideForm(StoreForm):
    version = HiddenField()
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField("Web address (slug)", validators=[Length(max=160)])
    summary = TextAreaField("Summary", validators=[Length(max=400)])
    body = TextAreaField("Body (Markdown)", validators=[Length(max=100_000)])
    clinician_note = TextAreaField("When to stop and see a clinician (Markdown)", validators=[Length(max=20_000)])
    hero_image = StringField("Hero picture (path under static/)", validators=[Length(max=300)])
    hero_alt = StringField("Hero picture alt text", validators=[Length(max=300)])
    reviewed_by = StringField("Reviewed by", validators=[Length(max=200)])
    tags = StringField("Topics (comma-separated)", validators=[Length(max=500)])
    products = SelectMultipleField("Tools used in this guide", validators=[Optional()])
    ask_clinician = TextAreaField("Tools to ask a clinician about first (one a line: slug: the reason shown)",
                                  validators=[Length(max=5000)])
    steps = FieldList(FormField(StepSubForm), min_entries=1)
    faqs = FieldList(FormField(FAQSubForm), min_entries=1)
    references = FieldList(FormField(ReferenceSubForm), min_entries=1)
    preview = SubmitField("Preview")
    save = SubmitField("Save guide")
