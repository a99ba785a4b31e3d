"""Before the session (group leaders): for one group and one module, what each participant
shared of the module's worksheet, and who has not done it. One use case call
(``Worksheets.before_session``: audit-logged, only shared answers written since the participant
joined this group). A GET form picks the module, so the page works without JavaScript."""

from __future__ import annotations

from typing import Any

from chalicelib import services
from chalicelib.web.http import Html, Visit

PAGE = "/leader/groups/{group_id}/before-session"


def before_session(visit: Visit) -> Html:
    caller = visit.signed_in()
    group_id = visit.params.get("group_id", "")
    module_id = visit.query.get("module", "")
    svc = services.current()
    modules = sorted(svc.library.catalog(locale="en"), key=lambda m: str(m["title"]))
    context: dict[str, Any] = {
        "lang": "en",
        "group_id": group_id,
        "modules": modules,
        "module_id": module_id,
        "view": None,
    }
    if module_id:
        view = svc.worksheets.before_session(caller, group_id, module_id)
        context.update(view=view, group_name=view.group_name)
    else:  # the picker alone: still only for a group the caller leads
        context["group_name"] = svc.groups.detail(caller, group_id).to_dict()["name"]
    return Html("before_session.html", context)
