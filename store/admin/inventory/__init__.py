"""Back office, inventory: stock adjustments, per-variant history, CSV export/import (web and `flask import-inventory`)."""
