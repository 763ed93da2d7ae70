"""Back office, dashboard: sales figures, orders to ship, low stock."""
