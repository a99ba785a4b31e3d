"""The curriculum's shared vocabulary: topics, locales, the default locale, and the sections
of a participant's relapse-prevention plan.

Defined once, here. The Lambda (``chalicelib``) and the authoring pipeline (``steady_content``)
both import it; it imports nothing, so it costs a cold start nothing.
"""

from __future__ import annotations

# The curriculum's topics, in the order pages list them (also the content/ folders).
TOPICS: tuple[str, ...] = ("addiction", "mental-health", "stress-management", "life-skills")
# The languages modules are written in; a translation is ``<id>.<locale>.md``.
LOCALES: tuple[str, ...] = ("en", "es")
# The language every module is written in first, and the one readers fall back to.
DEFAULT_LOCALE = "en"


# --- The plan -------------------------------------------------------------------------------
# A worksheet field may feed one section of the participant's relapse-prevention plan
# (``plan: triggers`` in a module's worksheet, see ``steady_content.worksheets``); the plan
# assembles, section by section in this order, every answer to a field that feeds it. The ids
# are written in module files and published in version documents: they never change.
# ``people-to-call`` is the one section whose items are not plain text: each is a name and a
# phone number (the field is a list of contacts).
TRIGGERS = "triggers"
WARNING_SIGNS = "warning-signs"
COPING_SKILLS = "coping-skills"
PEOPLE_TO_CALL = "people-to-call"
REASONS = "reasons"
IF_I_SLIP = "if-i-slip"
PLACES_TO_AVOID = "places-to-avoid"

# In the order the plan shows them.
PLAN_SECTIONS: tuple[str, ...] = (
    TRIGGERS,
    WARNING_SIGNS,
    COPING_SKILLS,
    PEOPLE_TO_CALL,
    REASONS,
    IF_I_SLIP,
    PLACES_TO_AVOID,
)

# What each section is called on the plan, in each locale (plain words, first person).
PLAN_SECTION_TITLES: dict[str, dict[str, str]] = {
    "en": {
        TRIGGERS: "My triggers",
        WARNING_SIGNS: "My warning signs",
        COPING_SKILLS: "What helps me cope",
        PEOPLE_TO_CALL: "People I can call",
        REASONS: "My reasons for my recovery",
        IF_I_SLIP: "What I will do if I slip",
        PLACES_TO_AVOID: "Places and situations to avoid",
    },
    "es": {
        TRIGGERS: "Mis detonantes",
        WARNING_SIGNS: "Mis señales de alerta",
        COPING_SKILLS: "Lo que me ayuda a sobrellevarlo",
        PEOPLE_TO_CALL: "Personas a las que puedo llamar",
        REASONS: "Mis razones para mi recuperación",
        IF_I_SLIP: "Lo que haré si tengo un tropiezo",
        PLACES_TO_AVOID: "Lugares y situaciones que evitaré",
    },
}
