"""Before the session (group leaders): for one group and one module, what each participant
shared of the module's worksheet, and who has not done it. One use case call
(``Worksheets.before_session``: audit-logged, only shared answers written since the participant
joined this group, unless they share their history with it). A GET form picks the module among
the group's assigned modules that have a worksheet, so the page works without JavaScript; a
module that cannot be shown brings the picker back with an error summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib import services
from chalicelib.errors import SteadyError
from chalicelib.library import DEFAULT_LOCALE
from chalicelib.web.http import Html, Visit
from chalicelib.web.words import LANGUAGES_IN_ENGLISH
from chalicelib.worksheets import Answer, BeforeSession

PAGE = "/leader/groups/{group_id}/before-session"
# The use case's refusals of the chosen module: the picker again, saying why.
REFUSED = {
    "invalid_module_id": "Choose a module from the list.",
    "module_not_found": "Choose a module from the list.",
    "no_worksheet": "That module has no worksheet. Choose a module from the list.",
}


@dataclass(frozen=True)
class ShownAnswer:
    """One shared answer as the page shows it: under the English question (``label``), with
    the question as the participant read it (``asked``) and their language (``language``)
    when they wrote in another one; a scale's value says its range."""

    label: str
    value: Any
    choice_text: str | None
    asked: str = ""
    language: str = ""
    scale: bool = False
    locale: str = DEFAULT_LOCALE


def shown_answer(answer: Answer, english: Mapping[str, Mapping[str, Any]]) -> ShownAnswer:
    """``answer`` as the page shows it; ``english``: the latest English version's fields by id
    (a field it no longer has keeps the words it was answered under)."""
    spec = english.get(answer.field_id)
    scale = answer.kind == "scale"
    if answer.locale == DEFAULT_LOCALE or spec is None:
        return ShownAnswer(answer.label, answer.value, answer.choice_text, scale=scale)
    choice = answer.choice_text
    choices = list(spec.get("choices") or [])
    if answer.kind == "choice" and isinstance(answer.value, int) and answer.value < len(choices):
        choice = str(choices[answer.value])
    return ShownAnswer(
        str(spec.get("label") or answer.label),
        answer.value,
        choice,
        answer.label,
        LANGUAGES_IN_ENGLISH.get(answer.locale, answer.locale),
        scale,
        answer.locale,
    )


def shown_answers(view: BeforeSession) -> dict[str, list[ShownAnswer]]:
    """Each participant's shared answers, as the page shows them (no AWS call: the English
    fields came with the view)."""
    english = view.fields or {}
    return {
        p.participant_id: [shown_answer(a, english) for a in p.answers] for p in view.participants
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
            context.update(
                view=view,
                group_name=view.group_name,
                modules=view.modules,
                answers=shown_answers(view),
            )
            return Html("before_session.html", context)
    # The picker alone (or again): still only for a group the caller leads.
    choices = worksheets.session_modules(caller, group_id)
    context.update(group_name=choices.group_name, modules=choices.modules)
    return Html("before_session.html", context, status=400 if context["errors"] else 200)
