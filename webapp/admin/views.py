"""Administrators invite people, give them a role, and end their access."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from reports.i18n import LANGUAGES, language_name

from webapp.accounts import service as accounts
from webapp.core.db import db
from webapp.core.i18n import current_language
from webapp.core.models import Agency, User
from webapp.core.roles import ROLES, permission_required
from webapp.mail import service as mail

bp = Blueprint("admin", __name__, url_prefix="/admin")


class RoleForm(FlaskForm):
    """A role, and the agency for a national official (only officials are asked for one)."""

    class Meta:
        csrf = False

    role = SelectField(_l("Role"), choices=[SelectChoice(name, role.label) for name, role in ROLES.items()])
    agency = SelectField(_l("Agency of the national official"), choices=[], validate_choice=True)

    def with_agencies(self) -> RoleForm:
        agencies = db.session.scalars(select(Agency).where(Agency.name.is_not(None)).order_by(Agency.name)).all()
        self.agency.choices = [SelectChoice("", "—")] + [SelectChoice(a.id, f"{a.name} ({a.country or '?'})") for a in agencies]
        return self

    def validate_agency(self, field) -> None:
        from wtforms.validators import ValidationError

        if accounts.needs_agency(self.role.data) and not field.data:
            raise ValidationError(_l("Choose the agency of this national official."))


class InviteForm(RoleForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name")), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address")), mail.address_field])
    language = SelectField(_l("Language of the invitation and of later e-mails"),
                           choices=[SelectChoice(code, language_name(code)) for code in LANGUAGES], default=current_language)


def _send(user: User, token: str) -> str:
    """E-mail the link, and say what became of it. Returns the link, which the page shows."""
    link = mail.external("auth.invitation", token=token)
    outcome = mail.send_invitation(user, token, current_user, accounts.INVITATION_DAYS)
    if outcome.state == mail.SENT:
        flash(_("Invitation sent to %(address)s by e-mail. The link below is the one in the e-mail; it works once, "
                "for %(days)s days.", address=user.email, days=accounts.INVITATION_DAYS), "success")
    else:
        flash(*mail.notice(outcome, ""))
        flash(_("Invitation created. Send this link to %(name)s yourself; it works once, for %(days)s days.",
                name=user.name, days=accounts.INVITATION_DAYS), "success")
    return link


@bp.route("/users", methods=["GET", "POST"])
@permission_required("manage-users")
def users():
    form = InviteForm().with_agencies()
    link = None
    if request.method == "POST" and form.validate():
        if accounts.find_user(form.email.data):
            form.email.errors.append(_("There is already an account with this email address."))
        else:
            user = accounts.create_user(form.email.data, form.name.data, form.role.data,
                                        agency_id=form.agency.data or None, language=form.language.data)
            link = _send(user, accounts.invite(user, current_user))
    people = db.session.scalars(select(User).options(selectinload(User.agency)).order_by(User.created_at)).all()
    pending = accounts.pending_invitations()
    states = {p.id: accounts.state_of(p, pending.get(p.id)) for p in people}
    return render_template("admin/users.html", form=form, people=people, link=link, roles=ROLES, states=states,
                           pending=pending, state_labels=accounts.STATE_LABELS, days=accounts.INVITATION_DAYS)


def _person(user_id: UUID) -> User:
    return db.get_or_404(User, str(user_id))


def _person_page(user: User, form: RoleForm | None = None, link: str | None = None, status: int = 200):
    form = form or RoleForm(formdata=None, role=user.role, agency=user.agency_id or "").with_agencies()
    pending = accounts.pending_invitations([user.id]).get(user.id)
    return render_template("admin/person.html", person=user, form=form, link=link, roles=ROLES, pending=pending,
                           state=accounts.state_of(user, pending), state_labels=accounts.STATE_LABELS,
                           days=accounts.INVITATION_DAYS, yourself=user.id == current_user.id), status


def _someone_else(user: User) -> bool:
    """An administrator cannot change or end their own access here, so that nobody locks
    themselves out; another administrator can."""
    if user.id == current_user.id:
        flash(_("You cannot change your own role or account here. Ask another administrator."), "error")
        return False
    return True


@bp.get("/users/<uuid:user_id>")
@permission_required("manage-users")
def person(user_id: UUID):
    return _person_page(_person(user_id))


@bp.post("/users/<uuid:user_id>/role")
@permission_required("manage-users")
def change_role(user_id: UUID):
    user = _person(user_id)
    if not _someone_else(user):
        return redirect(url_for("admin.person", user_id=user.id))
    form = RoleForm().with_agencies()
    if not form.validate():
        return _person_page(user, form, status=400)
    if accounts.change_role(user, form.role.data, form.agency.data or None, current_user):
        flash(_("%(name)s is now: %(role)s. This applies from their next page.", name=user.name,
                role=ROLES[user.role].label), "success")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/users/<uuid:user_id>/invitation")
@permission_required("manage-users")
def resend_invitation(user_id: UUID):
    user = _person(user_id)
    if user.password_hash or not user.active:
        flash(_("This person does not need an invitation: their account is set up or deactivated."), "error")
        return redirect(url_for("admin.person", user_id=user.id))
    return _person_page(user, link=_send(user, accounts.reinvite(user, current_user)))


@bp.post("/users/<uuid:user_id>/invitation/revoke")
@permission_required("manage-users")
def revoke_invitation(user_id: UUID):
    user = _person(user_id)
    if accounts.revoke_invitations(user, current_user):
        flash(_("The invitation link no longer works."), "success")
    else:
        flash(_("There was no invitation link to revoke."), "info")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/users/<uuid:user_id>/deactivate")
@permission_required("manage-users")
def deactivate(user_id: UUID):
    user = _person(user_id)
    if _someone_else(user):
        if user.active:
            accounts.deactivate(user, current_user)
        flash(_("%(name)s's account is deactivated: they are signed out everywhere and cannot sign in.", name=user.name),
              "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/users/<uuid:user_id>/reactivate")
@permission_required("manage-users")
def reactivate(user_id: UUID):
    user = _person(user_id)
    if not user.active:
        accounts.reactivate(user, current_user)
    flash(_("%(name)s's account is active again.", name=user.name), "success")
    return redirect(url_for("admin.person", user_id=user.id))
