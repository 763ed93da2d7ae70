"""Accounts: users (customers and admins) and their saved addresses."""
from __future__ import annotations

import enum
import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class Role(enum.StrEnum):
    """A customer, or one of the three back-office roles (what each may do: store/admin/roles.py)."""
    CUSTOMER = "customer"
    OWNER = "owner"        # everything, including refunds and staff management
    STAFF = "staff"        # catalog, guides, stock, shipping; no money, no staff management
    READONLY = "readonly"  # every back-office page, no writes
    ADMIN = "owner"        # the old single "admin" role (migration roles_1 made those rows owners): an alias


# Back-office roles, most powerful first: a role may do what any role after it may do.
BACK_OFFICE_ROLES = (Role.OWNER, Role.STAFF, Role.READONLY)
ROLE_LABELS = {Role.OWNER: "Owner", Role.STAFF: "Staff", Role.READONLY: "Read-only"}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('customer', 'owner', 'staff', 'readonly')", name="role_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored normalised (lower-case)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=Role.CUSTOMER.value)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    addresses: Mapped[list["Address"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Address.id")

    @property
    def is_admin(self) -> bool:
        """May enter the back office (any of the three back-office roles)."""
        return self.admin_role is not None

    @property
    def admin_role(self) -> Role | None:
        """The back-office role (owner, staff or read-only), or None for a customer."""
        return Role(self.role) if self.role in BACK_OFFICE_ROLES else None

    def has_admin_role(self, needed: Role) -> bool:
        """True when this user's back-office role is ``needed`` or above it (owner > staff > read-only)."""
        role = self.admin_role
        return role is not None and BACK_OFFICE_ROLES.index(role) <= BACK_OFFICE_ROLES.index(needed)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def session_stamp(self) -> str:
        """A keyed fingerprint of the password hash: it changes whenever the password is changed or reset,
        which signs out every other session and invalidates remember-me cookies (see get_id and the loader)."""
        key = current_app.config["SECRET_KEY"]
        key = key.encode() if isinstance(key, str) else key
        return hmac.new(key, b"session:" + self.password_hash.encode(), hashlib.sha256).hexdigest()[:20]

    def attach_session(self, token: str | None) -> None:
        """The token of the server-side session (store/accounts/sessions.py) this object is signed in under."""
        self._session_token = token

    def get_id(self) -> str:  # Flask-Login: stored in the session and the remember-me cookie
        """"<id>:<stamp>:<session token>" (see store/accounts/loader.py); without an attached session the id
        names no session, and the loader refuses it."""
        return f"{self.id}:{self.session_stamp}:{getattr(self, '_session_token', None) or ''}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Address(db.Model):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="US")  # ISO 3166-1 alpha-2
    phone: Mapped[str] = mapped_column(String(40), default="")
    is_default: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="addresses")
