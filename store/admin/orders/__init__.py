"""Back office, orders: list, detail and the actions the state machine allows (ship, deliver, cancel, refund)."""
