"""Staff management: promote an existing account into the back office, change a role, remove access.

The rules: only an owner does this (the gate and, under the lock, this module); an owner never changes their
own role (another owner must), and the last owner is never demoted. The owners' rows are locked before they
are counted, so two owners demoting each other at once cannot leave the shop without one. Audited.
"""
from __future__ import annotations

from sqlalchemy import select

from store.accounts.models import BACK_OFFICE_ROLES, Role, User
from store.accounts.services import normalise_email
from store.admin.audit import services as audit
from store.db import lock_row, transaction
from store.extensions import db


class StaffError(Exception):
    """A refused staff change; the message says why. Nothing was changed."""


def back_office_users() -> list[User]:
    order = {role.value: i for i, role in enumerate(BACK_OFFICE_ROLES)}
    users = db.session.scalars(select(User).where(User.role.in_([r.value for r in BACK_OFFICE_ROLES])))
    return sorted(users, key=lambda u: (order[u.role], u.email))


def _check_actor(actor_id: int) -> User:
    actor = lock_row(User, actor_id)
    if actor is None or actor.role != Role.OWNER or not actor.active:
        raise StaffError("Managing staff needs the shop owner's account.")
    return actor


def add(email: str, role: str, *, actor_id: int) -> User:
    """Give an existing customer account a back-office role (staff or read-only)."""
    role = Role(role)
    if role not in (Role.STAFF, Role.READONLY):
        raise StaffError("Add staff or read-only users here; make an owner by changing a role in the list.")
    email = normalise_email(email or "")
    with transaction(write=True):
        _check_actor(actor_id)
        user = db.session.scalar(select(User).where(User.email == email).with_for_update())
        if user is None:
            raise StaffError(f"No account uses {email}. Ask them to create an account first, then add them "
                             "here.")
        if user.role != Role.CUSTOMER:
            raise StaffError(f"{user.email} already uses the back office ({user.role}); change their role in "
                             "the list instead.")
        if not user.active:
            raise StaffError(f"The account {user.email} is disabled.")
        before = user.role
        user.role = role.value
        audit.record(actor_id, "staff.add", user, {"role": [before, user.role]}, reason=user.email)
    return user


def set_role(user_id: int, role: str, *, actor_id: int) -> User:
    """Change a back-office user's role, or remove their access (``customer``)."""
    role = Role(role)
    with transaction(write=True):
        _check_actor(actor_id)
        if user_id == actor_id:
            raise StaffError("You cannot change your own role; another owner can.")
        # Lock every owner row before counting them (PostgreSQL; SQLite is serialised by the write lock).
        owners = list(db.session.scalars(select(User.id).where(User.role == Role.OWNER.value).with_for_update()))
        user = lock_row(User, user_id)
        if user is None or user.role not in [r.value for r in BACK_OFFICE_ROLES]:
            raise StaffError("That person does not use the back office.")
        if user.role == role:
            return user
        if user.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
            raise StaffError(f"{user.email} is the last owner: make someone else owner first.")
        before = user.role
        user.role = role.value
        audit.record(actor_id, "staff.remove" if role == Role.CUSTOMER else "staff.role", user,
                     {"role": [before, user.role]}, reason=user.email)
    return user
