"""The one table of roles: each role's label, home page and permissions.

Views ask for a permission (`@permission_required("review")`), never for a list of roles, and
the access-matrix test reads this same table. A new role is a new row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# What a permission lets a signed-in person do.
PERMISSIONS = {
    # Assessments of one's own agency: start them signed in, and list them.
    "assess": "answer and list the assessments of one's own agency",
    # The review queue: read submitted assessments, comment, adjust, publish.
    "review": "review, comment on, adjust and publish submitted assessments",
    # Published assessments across agencies, with their exports.
    "read-portfolio": "read the published assessments and their exports",
    # Accounts: invite people and give them a role.
    "manage-users": "invite people and give them a role",
}


@dataclass(frozen=True)
class Role:
    label: Any  # a lazy, translated string
    home: str  # the endpoint a person with this role starts at
    permissions: frozenset[str]


ROLES: dict[str, Role] = {
    "official": Role(_l("National official"), "auth.my_assessments", frozenset({"assess"})),
    "ta": Role(_l("Technical-assistance officer"), "review.index", frozenset({"review", "read-portfolio"})),
    "donor": Role(_l("Donor"), "portfolio.index", frozenset({"read-portfolio"})),
    "admin": Role(_l("Administrator"), "admin.users", frozenset({"manage-users", "review", "read-portfolio"})),
}

assert all(p in PERMISSIONS for role in ROLES.values() for p in role.permissions)


def can(permission: str) -> bool:
    """Whether the signed-in person has `permission` (False when nobody is signed in)."""
    if not current_user.is_authenticated:
        return False
    role = ROLES.get(current_user.role)
    return role is not None and permission in role.permissions


def permission_required(permission: str) -> Callable:
    """Signed in with a role that has `permission`, or 403 (the sign-in page when signed out)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
