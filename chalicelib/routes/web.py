"""The web app's pages (HTML for browsers; signed in with a session cookie, not a bearer token)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import mfa
from chalicelib.identity import LEADERS, PARTICIPANTS
from chalicelib.web import account_pages, pages, worksheet_pages
from chalicelib.web.http import PUBLIC, SIGNED_IN, Pages

LEADER_ONLY = (LEADERS,)


def blueprint() -> Blueprint:
    bp = Blueprint(__name__)
    web = Pages(bp)

    web.route("/static/steady.css", access=PUBLIC)(pages.stylesheet)
    web.route("/sign-in", access=PUBLIC)(pages.sign_in_form)
    web.route("/sign-in", method="POST", access=PUBLIC)(pages.sign_in_submit)
    web.route(pages.NEW_PASSWORD, access=PUBLIC)(pages.new_password_form)
    web.route(pages.NEW_PASSWORD, method="POST", access=PUBLIC)(pages.new_password_submit)
    web.route(pages.CODE_PATH, access=PUBLIC)(pages.code_form)
    web.route(pages.CODE_PATH, method="POST", access=PUBLIC)(pages.code_submit)
    web.route("/sign-out", method="POST", access=PUBLIC)(pages.sign_out)
    web.route(mfa.SETUP_PATH, access=SIGNED_IN, before_mfa=True)(pages.authenticator_form)
    web.route(mfa.SETUP_PATH, method="POST", access=SIGNED_IN, before_mfa=True)(pages.authenticator_submit)

    web.route(account_pages.STOP_PATH, access=PUBLIC)(account_pages.reminders_stop)
    web.route(account_pages.PAGE, access=(PARTICIPANTS,))(account_pages.account_reminders)
    web.route(account_pages.PAGE, method="POST", access=(PARTICIPANTS,))(account_pages.save_reminders)
    web.route(account_pages.CONTACT, method="POST", access=(PARTICIPANTS,))(account_pages.change_contact)
    web.route(account_pages.CONFIRM, method="POST", access=(PARTICIPANTS,))(account_pages.confirm_contact)

    web.route("/", access=SIGNED_IN)(pages.home)
    web.route("/read/{module_id}", access=SIGNED_IN)(pages.module_page)
    web.route("/read/{module_id}/complete", method="POST", access=(PARTICIPANTS,))(pages.complete)
    web.route("/read/{module_id}/worksheet", method="POST", access=(PARTICIPANTS,))(worksheet_pages.save)
    web.route("/read/{module_id}/worksheet/sharing", method="POST",
              access=(PARTICIPANTS,))(worksheet_pages.share)

    web.route("/leader", access=LEADER_ONLY)(pages.groups_page)
    web.route("/leader/groups", method="POST", access=LEADER_ONLY)(pages.create_group)
    web.route("/leader/groups/{group_id}", access=LEADER_ONLY)(pages.group_page)
    web.route("/leader/groups/{group_id}/participants", method="POST", access=LEADER_ONLY)(pages.enrol)
    web.route("/leader/groups/{group_id}/assignments", method="POST", access=LEADER_ONLY)(pages.assign)
    web.route("/leader/groups/{group_id}/progress", access=LEADER_ONLY)(pages.progress_page)
    web.route("/leader/groups/{group_id}/progress.csv", access=LEADER_ONLY)(pages.progress_csv)
    return bp
