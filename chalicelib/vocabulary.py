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


# --- Tags in the reader's language ------------------------------------------------------------
# A module's tags are written in English, in every language it is published in (``tags:`` in
# its front matter). The library search in another language also looks for these words of each
# tag, so a Spanish word finds the modules not translated yet ("ansiedad" finds "Anxiety
# basics"), and "Did you mean" may offer them ("ansiedat" → "ansiedad"). Words, not phrases:
# each is searched as part of a word like anything typed, so short words ("de", "no") are left
# out. Every tag a shipped module has is here (tests/unit/test_vocabulary.py): a new tag needs
# its words.
TAG_WORDS: dict[str, dict[str, str]] = {
    "es": {
        "activities": "actividades",
        "aftercare": "seguimiento continuar tratamiento",
        "alcohol-use-disorder": "alcohol alcoholismo",
        "amends": "reparar disculpas",
        "anger": "enojo ira rabia",
        "anxiety": "ansiedad nervios",
        "asking-for-help": "pedir ayuda",
        "assertiveness": "asertividad",
        "avoidance": "evitar",
        "behavioral-activation": "actividades",
        "body-signals": "señales cuerpo",
        "boredom": "aburrimiento",
        "boundaries": "límites",
        "brain": "cerebro",
        "breathing": "respirar respiración",
        "budgeting": "presupuesto dinero",
        "calming": "calma calmarse",
        "children": "hijos niños",
        "co-occurring-conditions": "salud mental",
        "communication": "comunicación hablar",
        "conflict": "conflicto",
        "coping-skills": "sobrellevar afrontar",
        "cravings": "ganas consumir antojos deseos ansias",
        "crisis": "crisis",
        "crisis-skills": "crisis",
        "depression": "depresión tristeza",
        "distress-tolerance": "malestar tolerar",
        "dual-diagnosis": "diagnóstico dual",
        "early-recovery": "recuperación",
        "emotion-regulation": "emociones",
        "emotions": "emociones sentimientos",
        "energy": "energía",
        "exercise": "ejercicio",
        "family": "familia",
        "fear": "miedo",
        "food": "comida",
        "free-time": "tiempo libre",
        "goals": "metas",
        "grief": "duelo",
        "grounding": "anclarse presente",
        "guilt": "culpa",
        "habits": "hábitos",
        "halt": "hambre enojo soledad cansancio",
        "high-risk-situations": "riesgo",
        "job-search": "trabajo empleo",
        "lapse": "caída tropiezo",
        "legal": "ley legal",
        "life-skills": "habilidades",
        "listening": "escuchar",
        "loss": "pérdida",
        "medication": "medicamentos",
        "medications": "medicamentos",
        "mindfulness": "atención plena",
        "money": "dinero",
        "mood": "ánimo",
        "mood-tracking": "ánimo",
        "motivation": "motivación",
        "muscle-tension": "tensión músculos",
        "mutual-help": "ayuda mutua",
        "nutrition": "nutrición comida",
        "opioid-use-disorder": "opioides",
        "organization": "organizarse",
        "overdose-safety": "sobredosis",
        "parenting": "hijos padres madres",
        "peer-support": "apoyo compañeros",
        "permission-giving-thoughts": "pensamientos excusas",
        "physical-activity": "ejercicio actividad física",
        "planning": "planear",
        "prescriber": "médico receta",
        "present-moment": "presente",
        "problem-solving": "resolver problemas",
        "ptsd": "trauma",
        "recovery": "recuperación",
        "recovery-community": "comunidad recuperación",
        "refusal-skills": "decir rechazar",
        "relapse": "recaída",
        "relapse-prevention": "prevenir recaída",
        "relationships": "relaciones pareja",
        "relaxation": "relajarse relajación",
        "respect": "respeto",
        "reward-system": "recompensa",
        "routine": "rutina",
        "routines": "rutina",
        "safety": "seguridad",
        "safety-planning": "seguridad",
        "self-advocacy": "derechos",
        "self-awareness": "conocerse",
        "self-care": "cuidarse autocuidado",
        "self-compassion": "compasión",
        "self-monitoring": "registro",
        "shame": "vergüenza",
        "side-effects": "efectos secundarios",
        "sleep": "sueño dormir",
        "social-life": "amigos",
        "social-situations": "sociales",
        "stress": "estrés",
        "structure": "estructura",
        "support": "apoyo",
        "thinking": "pensamientos pensar",
        "thinking-traps": "trampas pensamiento",
        "thoughts": "pensamientos",
        "time-management": "tiempo",
        "trauma": "trauma",
        "treatment": "tratamiento",
        "triggers": "detonantes",
        "trust": "confianza",
        "urge-surfing": "ganas",
        "warning-signs": "señales alerta",
        "withdrawal": "abstinencia",
        "work": "trabajo empleo",
    },
}
