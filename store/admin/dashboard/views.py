"""Back office: the dashboard."""
from __future__ import annotations

from flask import render_template

from store.admin import bp
from store.admin.dashboard import services as dash
from store.orders.services import orders_needing_attention


@bp.get("/")
def dashboard():
    points = dash.daily_sales(30)
    to_ship_count, to_ship = dash.orders_to_ship()
    return render_template("admin/dashboard.html", periods=dash.periods(points), points=points,
                           chart=dash.chart_geometry(points), to_ship_count=to_ship_count, to_ship=to_ship,
                           low_stock=dash.restock_list(), attention=orders_needing_attention(limit=10))
