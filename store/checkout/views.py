"""Checkout views: thin (parse, call one service, flash, redirect)."""
from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from store.checkout import bp, services
from wtforms.fields.choices import SelectChoice

from store.catalog.availability import line_problem
from store.checkout.forms import CheckoutForm
from store.checkout.services import CheckoutError, OutOfStock, ShippingAddress, StaleAcknowledgment
from store.payments import stripe_gateway
from store.payments.stripe_gateway import PaymentError, WebhookPayloadError, WebhookSignatureError
from store.checkout.webhooks import handle_event
from store.cart import services as cart_services
from store.pricing.services import not_shipped_message, ships_to
from store.extensions import csrf, db, limiter
from store.orders import lifecycle
from store.orders import services as orders
from store.orders.states import InvalidTransition, PaymentStatus
from store.safety.services import current_disclaimer
from store.templating import absolute_url_for
from store.util import int_in_range

log = logging.getLogger(__name__)
SESSION_ORDERS = "checkout_orders"      # order numbers this browser placed (guests' access to their pages)


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _actor() -> str:
    """Who a shopper's action is recorded as (order events and stock movements): their email, or "customer"."""
    return current_user.email if current_user.is_authenticated else "customer"


def _remember(number: str) -> None:
    numbers = [n for n in session.get(SESSION_ORDERS, []) if isinstance(n, str) and n != number][-19:]
    session[SESSION_ORDERS] = numbers + [number]


def _owned_order(number: str):
    """The order, if this visitor may see it (its account, or the browser that placed it); else 404."""
    try:
        order = orders.order_by_number(number)
    except orders.OrderNotFound:
        abort(404)
    user_id = _user_id()
    if order.user_id is not None and order.user_id == user_id:
        return order
    if order.user_id is None and number in session.get(SESSION_ORDERS, []):
        return order
    abort(404)


def _payment_mode() -> str | None:
    return services.payment_mode(current_app.config)


def _return_urls(order) -> tuple[str, str]:
    # On STORE_URL, never the request's Host header.
    success = absolute_url_for("checkout.complete", number=order.number) + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = absolute_url_for("checkout.pay", number=order.number)
    return success, cancel


def _held_until(order) -> str:
    return order.expires_at.strftime("%H:%M UTC") if order.expires_at else "it expires"


def _start_payment(order):
    """Send the shopper to pay: Stripe's hosted page, or the local demo payment page."""
    if _payment_mode() == "stripe":
        success, cancel = _return_urls(order)
        try:
            url = services.start_stripe_payment(order.id, success, cancel)
        except services.AlreadyPaid:
            return redirect(url_for("checkout.complete", number=order.number))
        except (PaymentError, CheckoutError) as error:
            flash(f"{error} Your order {order.number} is saved and your items are held until "
                  f"{_held_until(order)}.", "error")
            return redirect(url_for("checkout.pay", number=order.number))
        return redirect(url, code=303)
    if _payment_mode() == "demo":
        return redirect(url_for("checkout.demo_pay", number=order.number))
    flash("Payments are not available right now. Your items are held; please try again later.", "error")
    return redirect(url_for("checkout.pay", number=order.number))


def _prefill(form: CheckoutForm, addresses) -> None:
    chosen = int_in_range(request.args.get("address"))
    address = next((a for a in addresses if a.id == chosen), None) or \
        next((a for a in addresses if a.is_default), None) or (addresses[0] if addresses else None)
    if address is not None and not ships_to(address.country):
        # A saved address outside the shipping countries is never turned into one inside them: say why it
        # was not filled in, by the country field (and in the error summary).
        form.full_name.data = address.full_name
        form.country.errors = [not_shipped_message(address.country)]
    elif address is not None:
        form.full_name.data, form.line1.data, form.line2.data = address.full_name, address.line1, address.line2
        form.city.data, form.region.data = address.city, address.region
        form.postal_code.data, form.country.data = address.postal_code, address.country
    elif current_user.is_authenticated:
        form.full_name.data = current_user.name


def _problems_message(summary) -> str:
    """Name each item that cannot be bought as it stands (out of stock, fewer left, or withdrawn): the
    availability policy's words."""
    parts = [problem for view in summary.lines if (problem := line_problem(view.variant, view.quantity))]
    return "Sorry, we could not place your order: " + " ".join(parts) + " Nothing was charged; please adjust your cart."


def _checkout_rate_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per hour")


@bp.route("/checkout", methods=["GET", "POST"])
@limiter.limit(_checkout_rate_limit, methods=["POST"])
def checkout():
    from store.cart.session import current_cart, guest_token, remember_count

    cart = current_cart()
    summary = cart_services.summarize(cart, _held(cart))
    remember_count(summary.item_count)
    if not summary.lines:
        flash("Your cart is empty. Add something before checking out.", "info")
        return redirect(url_for("cart.view_cart"))
    disclaimer = current_disclaimer("product")
    form = CheckoutForm()
    addresses = list(current_user.addresses) if current_user.is_authenticated else []
    if current_user.is_authenticated:
        del form.email
    if request.method == "GET":
        _prefill(form, addresses)
        form.disclaimer_id.data, form.disclaimer_version.data = disclaimer.id, disclaimer.version
    email = current_user.email if current_user.is_authenticated else (form.email.data or None)
    preview = services.preview(cart_services.pricing_lines(summary), currency=current_app.config["STORE_CURRENCY"],
                               country=form.country.data if ships_to(form.country.data) else None,
                               region=form.region.data, method_code=form.shipping_method.data,
                               code=cart.discount_code if cart is not None else None, email=email)
    form.shipping_method.choices = [SelectChoice(method.code, method.name) for method, _ in preview.methods]
    if preview.quote is not None and preview.quote.method is not None and (
            request.method == "GET" or "refresh" in request.form):
        form.shipping_method.data = preview.quote.method.code  # the zone's first method, or the one chosen
    status = 200
    if request.method == "POST" and "refresh" in request.form:
        # "Update shipping options": the country (or state) changed; show its methods and figures, place nothing.
        form.acknowledge.errors = []
        return _render_checkout(form, summary, preview, disclaimer, addresses), 200
    if form.validate_on_submit():
        # Stock held by this cart's own order awaiting payment counts as the shopper's: place_order releases
        # it and reserves again in one transaction (OutOfStock, naming the item, when it truly is short).
        if summary.has_problems:
            flash(_problems_message(summary), "error")
            return redirect(url_for("cart.view_cart"))
        if _payment_mode() is None:
            flash("Payments are not available right now, so we cannot take orders. Please try again later.",
                  "error")
            return redirect(url_for("cart.view_cart"))
        try:
            order = services.place_order(
                email=current_user.email if current_user.is_authenticated else form.email.data,
                user_id=_user_id(),
                address=ShippingAddress(name=form.full_name.data, line1=form.line1.data, line2=form.line2.data or "",
                                        city=form.city.data, region=form.region.data,
                                        postal_code=form.postal_code.data, country=form.country.data),
                shipping_method=form.shipping_method.data,
                discount_code=cart.discount_code if cart is not None else None,
                disclaimer_id=int_in_range(form.disclaimer_id.data),
                disclaimer_version=int_in_range(form.disclaimer_version.data),
                lines=[(view.variant.id, view.quantity) for view in summary.lines],
                payment_provider=_payment_mode() or "demo", actor=_actor(),
                cart_id=cart.id if cart is not None else None,
                visitor=services.visitor_key(_user_id(), guest_token()))
        except services.AlreadyPaid as error:
            _remember(error.order.number)
            return redirect(url_for("checkout.complete", number=error.order.number))
        except services.TooManyOpenOrders as error:
            flash(str(error), "error")
            status = 429
        except PaymentError as error:
            flash(str(error), "error")
            status = 503
        except OutOfStock as error:
            flash(f"Sorry, we could not place your order: {error} Nothing was charged; please adjust your "
                  "cart.", "error")
            return redirect(url_for("cart.view_cart"))
        except StaleAcknowledgment as error:
            disclaimer = current_disclaimer("product")
            form.acknowledge.data = False
            form.acknowledge.errors = [str(error)]
            form.disclaimer_id.data, form.disclaimer_version.data = disclaimer.id, disclaimer.version
            status = 409
        except CheckoutError as error:
            flash(str(error), "error")
            status = 400
        else:
            _remember(order.number)
            return _start_payment(order)
    elif request.method == "POST":
        status = 400
    return _render_checkout(form, summary, preview, disclaimer, addresses), status


def _render_checkout(form, summary, preview, disclaimer, addresses):
    products = list({view.product.id: view.product for view in summary.lines}.values())
    return render_template("checkout/checkout.html", form=form, summary=summary, preview=preview,
                           priced=preview.order, disclaimer=disclaimer, products=products, addresses=addresses,
                           payment_mode=_payment_mode(), ships_to=ships_to)


@bp.route("/checkout/pay/<number>", methods=["GET", "POST"])
def pay(number: str):
    """The order's payment page: where a failed or cancelled payment comes back to, to try again or cancel."""
    order = _owned_order(number)
    if request.method == "POST":
        if order.payment_status != PaymentStatus.PENDING:
            flash("This order is no longer waiting for payment.", "info")
            return redirect(url_for("checkout.pay", number=number))
        return _start_payment(order)
    return render_template("checkout/pay.html", order=order, payment_mode=_payment_mode())


@bp.post("/checkout/cancel/<number>")
def cancel(number: str):
    order = _owned_order(number)
    try:
        lifecycle.cancel_unpaid(order.id, _actor(), "Cancelled by the customer before payment")
    except InvalidTransition:
        flash("This order can no longer be cancelled here. If you need help, reply to your confirmation email.",
              "error")
        return redirect(url_for("checkout.pay", number=number))
    flash(f"Order {number} is cancelled and nothing was charged. Your cart still has your items.", "success")
    return redirect(url_for("cart.view_cart"))


def _demo_allowed() -> bool:
    return _payment_mode() == "demo"


@bp.route("/checkout/demo-pay/<number>", methods=["GET", "POST"])
def demo_pay(number: str):
    """Local test payments (development only): the same fulfilment as a verified Stripe payment."""
    if not _demo_allowed():
        abort(404)
    order = _owned_order(number)
    declined = False
    if request.method == "POST":
        action = request.form.get("action")
        if order.payment_status != PaymentStatus.PENDING:
            return redirect(url_for("checkout.complete", number=number))
        if action == "pay":
            services.fulfil_order(order.id, services.PaymentData.demo(order), actor=_actor())
            return redirect(url_for("checkout.complete", number=number))
        if action != "decline":
            abort(400)
        declined = True
        flash(f"Your test payment was declined. Nothing was charged. Your items are held until "
              f"{_held_until(order)}: try again, or cancel the order.", "error")
    return render_template("checkout/demo_pay.html", order=order, declined=declined), (402 if declined else 200)


@bp.get("/checkout/complete/<number>")
def complete(number: str):
    """Where the shopper lands after paying. Shows the order's real state; never trusts the URL alone."""
    order = _owned_order(number)
    if order.payment_status == PaymentStatus.PENDING and order.payment_provider == "stripe" \
            and _payment_mode() == "stripe":
        try:
            services.confirm_stripe_return(order.id, request.args.get("session_id"), actor=_actor())
        except PaymentError:
            flash("We are still confirming your payment with our payment provider. This page will show it "
                  "as soon as it is confirmed, and we will email you.", "info")
        order = orders.order_by_number(number)
    view_url = None
    if order.user_id is None:
        view_url = url_for("orders.guest_order", token=orders.order_token(order))
    return render_template("checkout/complete.html", order=order, guest_view_url=view_url)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    payload = request.get_data(cache=False)
    try:
        event = stripe_gateway.verify_webhook(payload, request.headers.get("Stripe-Signature"),
                                              current_app.config.get("STRIPE_WEBHOOK_SECRET", ""))
    except WebhookPayloadError as error:
        # Signed, but not a well-formed event: it never will be one, so it is refused (a 400, never a 500).
        log.error("Rejected a signed Stripe webhook body: %s", error)
        db.session.rollback()
        return {"error": "not an event"}, 400
    except WebhookSignatureError as error:
        log.warning("Rejected Stripe webhook: %s", error)
        db.session.rollback()
        return {"error": "invalid signature"}, 400
    outcome = handle_event(event)
    if outcome == "conflict":
        # Nothing was recorded; a non-2xx answer makes Stripe deliver the event again.
        return {"received": False, "outcome": outcome}, 409
    return {"received": True, "outcome": outcome}, 200


def _held(cart) -> dict[int, int]:
    """Units the cart's own order awaiting payment reserves: the shopper's, not "gone" (one small query)."""
    if cart is None:
        return {}
    from sqlalchemy import func, select
    from store.orders.models import Order, OrderLine
    rows = db.session.execute(
        select(OrderLine.variant_id, func.sum(OrderLine.quantity)).join(Order)
        .where(Order.cart_id == cart.id, Order.payment_status == PaymentStatus.PENDING.value,
               OrderLine.variant_id.is_not(None)).group_by(OrderLine.variant_id)).all()
    return {variant_id: int(quantity) for variant_id, quantity in rows}


@bp.record_once
def _provide_cart_holds(state) -> None:
    state.app.extensions["cart_holds"] = _held


@bp.app_template_global()
def awaiting_payment_order(cart):
    """The cart's order awaiting payment, if any (the cart page offers to resume or cancel it): one query."""
    from sqlalchemy import select
    from store.orders.models import Order
    order = db.session.scalars(select(Order).where(Order.cart_id == cart.id,
                                                  Order.payment_status == PaymentStatus.PENDING.value)).first() \
        if cart is not None else None
    if order is not None and order.user_id is None and order.number not in session.get(SESSION_ORDERS, []):
        _remember(order.number)  # the guest's own cart placed it
    return order
