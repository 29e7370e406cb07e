"""Administrators invite people and give them a role."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
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



class InviteForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name")), Length(max=200)])
    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter an email address")), mail.address_field])
    role = SelectField(_l("Role"), choices=[SelectChoice(name, role.label) for name, role in ROLES.items()])
    language = SelectField(_l("Language of the invitation and of later e-mails"),
                           choices=[SelectChoice(code, language_name(code)) for code in LANGUAGES], default=current_language)
    agency = SelectField(_l("Agency (for officials)"), choices=[], validate_choice=True)


@bp.route("/users", methods=["GET", "POST"])
@permission_required("manage-users")
def users():
    agencies = db.session.scalars(select(Agency).where(Agency.name.is_not(None)).order_by(Agency.name)).all()
    form = InviteForm()
    form.agency.choices = [SelectChoice("", "—")] + [SelectChoice(a.id, f"{a.name} ({a.country or '?'})") for a in agencies]
    link = None
    if request.method == "POST" and form.validate():
        if accounts.find_user(form.email.data):
            form.email.errors.append(_("There is already an account with this email address."))
        else:
            user = accounts.create_user(form.email.data, form.name.data, form.role.data,
                                        agency_id=form.agency.data or None, language=form.language.data)
            token = accounts.invite(user, current_user)
            link = mail.external("auth.invitation", token=token)
            outcome = mail.send_invitation(user, token, current_user, accounts.INVITATION_DAYS)
            if outcome.state == mail.SENT:
                flash(_("Invitation sent to %(address)s by e-mail. The link below is the one in the e-mail; it works once, "
                        "for %(days)s days.", address=user.email, days=accounts.INVITATION_DAYS), "success")
            else:
                flash(*mail.notice(outcome, ""))
                flash(_("Invitation created. Send this link to %(name)s yourself; it works once, for %(days)s days.",
                        name=user.name, days=accounts.INVITATION_DAYS), "success")
    people = db.session.scalars(select(User).order_by(User.created_at)).all()
    return render_template("admin/users.html", form=form, people=people, link=link, roles=ROLES)
