"""Before the session (group leaders): for one group and one module, what each participant
shared of the module's worksheet, and who has not done it. One use case call
(``Worksheets.before_session``: audit-logged, only shared answers written since the participant
joined this group, unless they share their history with it). A GET form picks the module among
the group's assigned modules that have a worksheet, so the page works without JavaScript; a
module that cannot be shown brings the picker back with an error summary."""

from __future__ import annotations

from typing import Any

from chalicelib import services
from chalicelib.errors import SteadyError
from chalicelib.web.http import Html, Visit

PAGE = "/leader/groups/{group_id}/before-session"
# The use case's refusals of the chosen module: the picker again, saying why.
REFUSED = {
    "invalid_module_id": "Choose a module from the list.",
    "module_not_found": "Choose a module from the list.",
    "no_worksheet": "That module has no worksheet. Choose a module from the list.",
}


def before_session(visit: Visit) -> Html:
    caller = visit.signed_in()
    group_id = visit.params.get("group_id", "")
    module_id = visit.query.get("module", "")
    worksheets = services.current().worksheets
    context: dict[str, Any] = {
        "lang": "en",
        "group_id": group_id,
        "module_id": module_id,
        "view": None,
        "errors": [],
    }
    if module_id:
        try:
            view = worksheets.before_session(caller, group_id, module_id)
        except SteadyError as error:
            if error.code not in REFUSED:
                raise
            context["errors"] = [{"field": "module", "message": REFUSED[error.code]}]
        else:
            context.update(view=view, group_name=view.group_name, modules=view.modules)
            return Html("before_session.html", context)
    # The picker alone (or again): still only for a group the caller leads.
    choices = worksheets.session_modules(caller, group_id)
    context.update(group_name=choices.group_name, modules=choices.modules)
    return Html("before_session.html", context, status=400 if context["errors"] else 200)
