"""The official's e-mail: the private link sent on request, the address kept for reminders,
and the links sent again to an address that lost them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import DataRequired

from webapp.accounts.service import throttled
from webapp.core.i18n import current_language
from webapp.core.links import assessment_or_404
from webapp.core.security import local_path
from webapp.mail import service

bp = Blueprint("mail", __name__)


class LinkForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST

    email = EmailField(_l("Your email address"), validators=[DataRequired(_l("Enter your email address")), service.address_field])
    remind = BooleanField(_l("Keep my address for this assessment: remind me once if I have not saved for 14 days, "
                             "and tell me when the reviewer asks a question or publishes the report"))
    next = HiddenField()


class LostLinkForm(FlaskForm):
    class Meta:
        csrf = False

    email = EmailField(_l("Your email address"), validators=[DataRequired(_l("Enter your email address")), service.address_field])


def _actor():
    return current_user if current_user.is_authenticated else None


@bp.route("/a/<token>/email-link", methods=["GET", "POST"])
@throttled("email-link", "20 per hour")
def email_link(token: str):
    """"E-mail me the link": on every page of the wizard (a form that opens with one click),
    and as a page of its own, where a wrong address is shown next to its field."""
    assessment = assessment_or_404(token)
    form = LinkForm()
    if request.method == "GET":
        form.next.data = local_path(request.args.get("next"), default=url_for("wizard.overview", token=token))
    if request.method == "POST" and form.validate():
        outcome = service.send_link(assessment, form.email.data, current_language(), form.remind.data, _actor())
        sent = _("We sent the link to %(address)s.", address=form.email.data)
        if form.remind.data:
            sent += " " + _("We keep this address for this assessment only. You can remove it at any time.")
        flash(*service.notice(outcome, sent))
        return redirect(local_path(form.next.data, default=url_for("wizard.overview", token=token)))
    return render_template("mail/email_link.html", assessment=assessment, form=form), (400 if form.errors else 200)


@bp.post("/a/<token>/forget-address")
def forget_address(token: str):
    assessment = assessment_or_404(token)
    if service.forget(assessment, _actor()):
        flash(_("Your address is removed. No more e-mails will come about this assessment."), "success")
    return redirect(local_path(request.form.get("next"), default=url_for("wizard.overview", token=token)))


@bp.route("/lost-link", methods=["GET", "POST"])
@throttled("lost-link", "10 per hour")
def lost_link():
    """The links an address may get again. The answer is the same whether or not the address
    is known, so the page tells nobody who takes part."""
    form = LostLinkForm()
    if request.method == "POST" and form.validate():
        service.send_links(form.email.data, current_language())
        flash(_("If this address was kept for an assessment, or belongs to an official's account, we have sent it "
                "the private links. The e-mail can take a few minutes. Look in your spam folder too."), "success")
        if not service.configured():  # said whether or not the address is known
            flash(*service.notice(service.Outcome([service.LOGGED]), ""))
        return redirect(url_for("wizard.start"))
    return render_template("mail/lost_link.html", form=form), (400 if form.errors else 200)
