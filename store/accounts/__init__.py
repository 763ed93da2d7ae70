"""Accounts: register, sign in/out, password change and reset, profile and addresses, `flask create-admin`."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, cli_group=None)

from store.accounts import views  # noqa: E402,F401
