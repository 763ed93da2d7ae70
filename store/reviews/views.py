"""Writing a review (signed invitation link, or a signed-in customer's own order), reporting one, and the
reviews' part of product pages and product cards."""
from __future__ import annotations

from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from store.catalog import related
from store.catalog.views import add_product_page_extension
from store.extensions import limiter
from store.reviews import bp, services
from store.reviews.forms import ReportForm, ReviewForm
from store.util import int_in_range, page_number


def register(app: Flask) -> None:
    """Product pages: ratings, reviews and their structured data (catalog/_reviews.html); product cards: the
    ``product_ratings(products)`` global (one query per page); related products: "bought together"."""
    add_product_page_extension(app, _product_page)
    app.add_template_global(product_ratings, "product_ratings")
    related.register_source(app, 30, services.bought_together_statement)


def product_ratings(products) -> dict:
    return services.ratings_for(p.id for p in products)


def _product_page(product, variants, selected, args) -> dict:
    sort = args.get("reviews") if args.get("reviews") in services.SORTS else "newest"
    stars = int_in_range(args.get("stars"), 1, 5)
    page = page_number(args.get("reviews_page"), maximum=1000)
    rating = services.summary(product.id)
    shown_total = rating.distribution.get(stars, 0) if stars else rating.count
    reviews = services.published_reviews(product.id, sort=sort, stars=stars, page=page)  # always: fixed count
    return {"rating": rating, "reviews": reviews, "reviews_sort": sort, "reviews_stars": stars,
            "reviews_page": page, "reviews_has_more": shown_total > page * services.PER_PAGE,
            "review_sorts": services.SORTS, "report_form": ReportForm(formdata=None),
            "structured_data": services.structured_data(rating, reviews if page == 1 and stars is None else [])}


def _write_page(order, action_url: str):
    lines = services.reviewable_lines(order)
    forms = {}
    posted = None
    if request.method == "POST":
        product_id = int_in_range(request.form.get("product_id"))
        if product_id is None or product_id not in {line.product.id for line in lines}:
            abort(400, description="Choose one of the products on this order to review.")
        form = ReviewForm(prefix=f"p{product_id}")
        if form.validate_on_submit():
            try:
                review = services.submit_review(order, product_id, rating=int(form.rating.data),
                                                title=form.title.data, body=form.body.data,
                                                author_name=form.author_name.data,
                                                user_id=current_user.id if current_user.is_authenticated else None)
            except services.ReviewError as exc:
                flash(str(exc), "error")
                return redirect(action_url)
            if review.status == services.ReviewStatus.HELD:
                flash("Thank you! Your review mentions " + ", ".join(f"“{p}”" for p in services.held_phrases(review))
                      + ": wording like that reads as a health claim, so a person will check it before it is "
                      "shown.", "info")
            else:
                flash("Thank you! Your review is published.", "success")
            return redirect(action_url)
        posted, forms[product_id] = product_id, form
    for line in lines:
        if line.product.id not in forms:
            forms[line.product.id] = ReviewForm(formdata=None, prefix=f"p{line.product.id}",
                                                author_name=services.default_author_name(order))
    status = 400 if posted is not None else 200
    return render_template("reviews/write.html", order=order, lines=lines, forms=forms, action_url=action_url,
                           reviewable=services.order_is_reviewable(order)), status


@bp.route("/reviews/write/<token>", methods=["GET", "POST"])
def write(token: str):
    """The invitation's link: works for guests and customers alike (the signature is the proof of purchase)."""
    try:
        order = services.order_from_review_token(token)
    except services.NotReviewable as exc:
        abort(404, description=str(exc))
    return _write_page(order, url_for("reviews.write", token=token))


@bp.route("/account/orders/<number>/review", methods=["GET", "POST"])
@login_required
def write_for_order(number: str):
    order = services.order_for_customer(number, current_user.id)
    if order is None:
        abort(404, description="We could not find that order in your account.")
    return _write_page(order, url_for("reviews.write_for_order", number=order.number))


@bp.post("/reviews/<int:review_id>/report")
@limiter.limit(lambda: current_app.config.get("REVIEW_REPORT_RATE_LIMIT", "10 per hour"),
               error_message="Too many attempts in a short time. Please wait a while and try again.")
def report(review_id: int):
    form = ReportForm()
    slug = request.form.get("slug") or ""
    back = url_for("catalog.product_detail", slug=slug) + "#reviews" if slug and len(slug) < 200 else url_for(
        "catalog.product_list")
    if not form.validate_on_submit():
        flash(next(iter(form.errors.values()))[0] if form.errors else "The form had expired; please try again.",
              "error")
        return redirect(back, 303)
    try:
        services.report_review(review_id, form.reason.data,
                               user_id=current_user.id if current_user.is_authenticated else None)
    except services.ReviewError as exc:
        flash(str(exc), "error")
        return redirect(back, 303)
    flash("Thank you: a person will look at that review.", "success")
    return redirect(back, 303)
