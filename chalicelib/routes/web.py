"""The web app's pages (HTML for browsers; signed in with a session cookie, not a bearer token)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import kept_forms, mfa, worksheets
from chalicelib.identity import ADMINS, AUTHORS, LEADERS, PARTICIPANTS
from chalicelib.web import (
    account_pages,
    admin_pages,
    before_session_pages,
    data_pages,
    leader_pages,
    pages,
    plan_pages,
    privacy_pages,
    reading_pages,
    worksheet_pages,
)
from chalicelib.web.http import PUBLIC, SIGNED_IN, Pages

LEADER_ONLY = (LEADERS,)
ADMIN_ONLY = (ADMINS,)
# Everyone but participants (whose account page has their reminders too): their own password.
OWN_ACCOUNT = (LEADERS, AUTHORS, ADMINS)


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
    web.route("/sign-out", method="POST", access=PUBLIC, ends_visit=True)(pages.sign_out)
    web.route(mfa.SETUP_PATH, access=SIGNED_IN, before_mfa=True)(pages.authenticator_form)
    web.route(mfa.SETUP_PATH, method="POST", access=SIGNED_IN, before_mfa=True)(
        pages.authenticator_submit
    )

    web.route(account_pages.STOP_PATH, access=PUBLIC)(account_pages.reminders_stop_form)
    web.route(account_pages.STOP_PATH, method="POST", access=PUBLIC, signed_address=True)(
        account_pages.reminders_stop
    )
    web.route(account_pages.HOME, access=SIGNED_IN)(account_pages.account_home)
    web.route(account_pages.OLD_PASSWORD, access=SIGNED_IN)(account_pages.old_password_address)
    web.route(account_pages.PAGE, access=(PARTICIPANTS,))(account_pages.account_reminders)
    web.route(account_pages.PASSWORD, access=(PARTICIPANTS,))(account_pages.password_form)
    web.route(account_pages.PAGE, method="POST", access=(PARTICIPANTS,))(
        account_pages.save_reminders
    )
    web.route(account_pages.CONTACT, method="POST", access=(PARTICIPANTS,))(
        account_pages.change_contact
    )
    web.route(account_pages.CONFIRM, method="POST", access=(PARTICIPANTS,))(
        account_pages.confirm_contact
    )
    web.route(account_pages.FORGET, method="POST", access=(PARTICIPANTS,))(
        account_pages.delete_contact
    )
    web.route(account_pages.PASSWORD, method="POST", access=(PARTICIPANTS,))(
        account_pages.change_password
    )

    web.route(reading_pages.EXIT, access=PUBLIC, ends_visit=True)(reading_pages.quick_exit)
    web.route("/favicon.ico", access=PUBLIC)(reading_pages.favicon)
    web.route(reading_pages.HOME, access=SIGNED_IN)(reading_pages.home)
    web.route(reading_pages.LIBRARY, access=SIGNED_IN)(reading_pages.library_page)
    web.route(reading_pages.LIBRARY, method="POST", access=SIGNED_IN)(reading_pages.library_search)
    web.route("/lesson/{code}", access=SIGNED_IN)(reading_pages.lesson_page)
    lesson = "/lesson/{code}"
    web.route(
        f"{lesson}/complete",
        method="POST",
        access=(PARTICIPANTS,),
        keeps_form=(kept_forms.CHECK, "code"),
        max_form_fields=worksheets.MAX_FORM_INPUTS,
    )(reading_pages.complete)
    web.route(
        f"{lesson}/attempts",
        method="POST",
        access=(PARTICIPANTS,),
        keeps_form=(kept_forms.RETAKE, "code"),
        max_form_fields=worksheets.MAX_FORM_INPUTS,
    )(reading_pages.retake)
    web.route(
        f"{lesson}/worksheet",
        method="POST",
        access=(PARTICIPANTS,),
        max_form_bytes=worksheet_pages.MAX_FORM_BYTES,
        multiline=worksheet_pages.MULTILINE_FIELDS,
        max_text=worksheet_pages.MAX_TYPED,
        keeps_form=(kept_forms.WORKSHEET, "code"),
        max_form_fields=worksheets.MAX_FORM_INPUTS,
    )(worksheet_pages.save)
    web.route(f"{lesson}/worksheet/earlier", access=(PARTICIPANTS,))(worksheet_pages.earlier_page)
    web.route(
        f"{lesson}/worksheet/sharing",
        method="POST",
        access=(PARTICIPANTS,),
        keeps_form=(kept_forms.SHARING, "code"),
    )(worksheet_pages.share)
    web.route("/read/{module_id}", access=SIGNED_IN)(reading_pages.old_address)

    # Group leaders (chalicelib/web/leader_pages.py); confirmations are pages of their own.
    group = "/leader/groups/{group_id}"
    web.route("/leader", access=LEADER_ONLY)(leader_pages.groups_page)
    web.route("/leader/groups", method="POST", access=LEADER_ONLY)(leader_pages.create_group)
    web.route(leader_pages.ACCOUNT, access=OWN_ACCOUNT)(leader_pages.account_page)
    web.route(leader_pages.ACCOUNT_PASSWORD, access=OWN_ACCOUNT)(leader_pages.password_form)
    web.route(leader_pages.ACCOUNT_PASSWORD, method="POST", access=OWN_ACCOUNT)(
        leader_pages.change_password
    )
    web.route(group, access=LEADER_ONLY)(leader_pages.group_page)
    web.route(group + "/name", method="POST", access=LEADER_ONLY)(leader_pages.rename)
    web.route(group + "/leaders", method="POST", access=LEADER_ONLY)(leader_pages.add_leader)
    leader = group + "/leaders/{leader_id}"
    web.route(leader + "/remove", access=LEADER_ONLY)(leader_pages.remove_leader_confirm)
    web.route(leader + "/remove", method="POST", access=LEADER_ONLY)(leader_pages.remove_leader)
    web.route(group + "/archive", access=LEADER_ONLY)(leader_pages.archive_confirm)
    web.route(group + "/archive", method="POST", access=LEADER_ONLY)(leader_pages.archive)
    web.route(group + "/unarchive", method="POST", access=LEADER_ONLY)(leader_pages.unarchive)
    web.route(group + "/attention/seen", method="POST", access=LEADER_ONLY)(leader_pages.mark_seen)
    web.route(group + "/attention/settings", method="POST", access=LEADER_ONLY)(
        leader_pages.attention_settings
    )
    web.route(group + "/participants", method="POST", access=LEADER_ONLY)(leader_pages.enrol)
    participant = group + "/participants/{participant_id}"
    web.route(participant + "/name", access=LEADER_ONLY)(leader_pages.name_form)
    web.route(participant + "/name", method="POST", access=LEADER_ONLY)(leader_pages.change_name)
    web.route(participant + "/remove", access=LEADER_ONLY)(leader_pages.remove_confirm)
    web.route(participant + "/remove", method="POST", access=LEADER_ONLY)(leader_pages.remove)
    web.route(participant + "/handed-over", method="POST", access=LEADER_ONLY)(
        leader_pages.handed_over
    )
    web.route(participant + "/hand-out", access=LEADER_ONLY)(leader_pages.hand_out_page)
    web.route(group + "/hand-outs", access=LEADER_ONLY)(leader_pages.hand_outs_page)
    web.route(participant + "/temporary-password", access=LEADER_ONLY)(
        leader_pages.new_password_confirm
    )
    web.route(participant + "/temporary-password", method="POST", access=LEADER_ONLY)(
        leader_pages.new_password
    )
    web.route(group + "/assignments", method="POST", access=LEADER_ONLY)(leader_pages.assign)
    assignment = group + "/assignments/{assignment_id}"
    web.route(assignment + "/dates", access=LEADER_ONLY)(leader_pages.dates_form)
    web.route(assignment + "/dates", method="POST", access=LEADER_ONLY)(leader_pages.change_dates)
    web.route(assignment + "/remove", access=LEADER_ONLY)(leader_pages.unassign_confirm)
    web.route(assignment + "/remove", method="POST", access=LEADER_ONLY)(leader_pages.unassign)
    track_module = assignment + "/modules/{module_id}"
    web.route(track_module + "/dates", access=LEADER_ONLY)(leader_pages.module_dates_form)
    web.route(track_module + "/dates", method="POST", access=LEADER_ONLY)(
        leader_pages.change_module_dates
    )
    web.route(track_module + "/leave-out", method="POST", access=LEADER_ONLY)(
        leader_pages.leave_out
    )
    web.route(group + "/progress", access=LEADER_ONLY)(leader_pages.progress_page)
    web.route(group + "/progress.csv", access=LEADER_ONLY)(leader_pages.progress_csv)
    web.route(plan_pages.PAGE, access=(PARTICIPANTS,))(plan_pages.my_plan)
    web.route(plan_pages.EDIT, access=(PARTICIPANTS,))(plan_pages.edit_form)
    web.route(
        plan_pages.EDIT,
        method="POST",
        access=(PARTICIPANTS,),
        max_form_bytes=plan_pages.MAX_FORM_BYTES,
        max_form_fields=plan_pages.MAX_FORM_FIELDS,
        multiline=plan_pages.MULTILINE_FIELDS,
        max_text=plan_pages.MAX_TYPED,
        keeps_form=(kept_forms.PLAN_PART, "section"),
    )(plan_pages.save_section)
    web.route(plan_pages.VERSIONS, access=(PARTICIPANTS,))(plan_pages.versions_page)
    web.route(plan_pages.VERSION, access=(PARTICIPANTS,))(plan_pages.version_page)
    web.route(plan_pages.DOWNLOAD, access=(PARTICIPANTS,))(plan_pages.download)
    web.route(data_pages.PAGE, access=(PARTICIPANTS,))(data_pages.data_page)
    web.route(data_pages.DELETE, method="POST", access=(PARTICIPANTS,))(data_pages.delete)
    web.route(data_pages.DOWNLOAD, access=(PARTICIPANTS,))(data_pages.download)
    web.route(data_pages.PLAN_VERSIONS, access=(PARTICIPANTS,))(data_pages.plan_versions)
    web.route(privacy_pages.PAGE, access=(PARTICIPANTS,))(privacy_pages.privacy_page)
    web.route(privacy_pages.SHARE, method="POST", access=(PARTICIPANTS,))(privacy_pages.share)

    web.route(before_session_pages.PAGE, access=LEADER_ONLY)(before_session_pages.before_session)

    # Administrators (chalicelib/web/admin_pages.py): /admin/… is the API's. Turning an account
    # off and resetting two-step sign-in post twice: to their confirmation page, then from it.
    web.route(admin_pages.ACCOUNTS, access=ADMIN_ONLY)(admin_pages.accounts)
    web.route(admin_pages.ACCOUNTS, method="POST", access=ADMIN_ONLY)(admin_pages.create_account)
    web.route(admin_pages.TURN_OFF, method="POST", access=ADMIN_ONLY)(admin_pages.turn_off)
    web.route(admin_pages.TURN_ON, method="POST", access=ADMIN_ONLY)(admin_pages.turn_on)
    web.route(admin_pages.RESET, method="POST", access=ADMIN_ONLY)(admin_pages.reset_two_step)
    web.route(admin_pages.AUDIT, access=ADMIN_ONLY)(admin_pages.audit_page)
    for form in (admin_pages.TURN_OFF, admin_pages.TURN_ON, admin_pages.RESET):
        web.route(form, access=ADMIN_ONLY)(admin_pages.to_accounts)
    # Every other address (a mistyped or old link): API Gateway gives it only what no route
    # above matches (chalicelib/web/http.py).
    web.unknown_addresses()
    return bp
