"""Sign in, sign out, accept an invitation, and the official's list of assessments."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.accounts import service as accounts
from webapp.core.db import db
from webapp.core.definitions import catalogue
from webapp.core.errors import render_error
from webapp.core.i18n import current_language
from webapp.core.plan import STATUS_LABELS as PLAN_STATUS_LABELS
from webapp.core.plan import plan
from webapp.core.models import Assessment
from webapp.core.roles import ROLES, permission_required

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST

    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password")), Length(max=accounts.MAX_PASSWORD)])


class SetPasswordForm(FlaskForm):
    class Meta:
        csrf = False

    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password"))])
    confirm = PasswordField(_l("Type the password again"), validators=[DataRequired(_l("Type the password again")), EqualTo("password", _l("The two passwords are not the same"))])


def _safe_next(target: str | None) -> str | None:
    from webapp.core.security import local_path

    return local_path(target, default="") or None


@bp.route("/sign-in", methods=["GET", "POST"])
@accounts.throttled("sign-in", "10 per minute;50 per hour")
def sign_in():
    form = SignInForm()
    error = None
    if request.method == "POST" and form.validate():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            accounts.start_session(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
        error = _("The email address or the password is not right.")
    return render_template("accounts/sign_in.html", form=form, error=error), (200 if error is None else 401)


@bp.post("/sign-out")
def sign_out():
    accounts.end_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("wizard.start"))


@bp.get("/home")
def home():
    """Where each role starts."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for(ROLES[current_user.role].home))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    invite = accounts.open_invitation(token)
    if invite is None:
        return render_error(404, _("This invitation link does not work"),
                            _("It may have expired or been used already. Ask the administrator for a new one."))
    form = SetPasswordForm()
    problem = None
    if request.method == "POST" and form.validate():
        problem = accounts.password_problem(form.password.data, invite.user.email)
        if problem is None:
            user = accounts.accept_invitation(invite, form.password.data)
            if user is None:
                return render_error(404, _("This invitation link does not work"),
                                    _("It may have expired or been used already. Ask the administrator for a new one."))
            accounts.start_session(user)
            flash(_("Your password is set. You are signed in."), "success")
            return redirect(url_for("auth.home"))
    return render_template("accounts/invitation.html", form=form, invite=invite, problem=problem)


@bp.get("/my/assessments")
@permission_required("assess")
def my_assessments():
    assessments = []
    if current_user.agency_id:
        assessments = db.session.scalars(
            select(Assessment).where(Assessment.agency_id == current_user.agency_id).order_by(Assessment.created_at.desc())
        ).all()
    plan_from, rows = plan(current_user.agency_id) if current_user.agency_id else (None, [])
    lang = current_language()
    return render_template(
        "accounts/my_assessments.html", assessments=assessments, plan_from=plan_from, plan=rows,
        parts=catalogue().part_titles(lang),
        statuses=PLAN_STATUS_LABELS,
    )
