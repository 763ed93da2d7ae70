"""Cart."""
