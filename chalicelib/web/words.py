"""The words around a lesson, in each language a module can be read in.

Pages in general are English; a module page read in Spanish (the participant's browser asks
for it, or ``?locale=es``) says everything around the lesson in Spanish too, the crisis
resources first of all. Spanish follows the modules' own register (usted).
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to main content",
        "quick_exit": "Quick exit",
        "library": "Library",
        "groups": "Your groups",
        "two_step": "Two-step sign-in",
        "sign_out": "Sign out",
        "help_region": "Help in a crisis",
        "need_help": "Need help now?",
        "lifeline": "988 Suicide &amp; Crisis Lifeline: call or text",
        "helpline": "SAMHSA National Helpline:",
        "minutes": "About {n} min to read",
        "version": "Version",
        "changed": "This module changed since you read version {n}.",
        "what_changed": "What changed:",
        "on_this_page": "On this page",
        "sources": "Sources",
        "finished": "Finished reading?",
        "marked": "You marked this complete on",
        "score": "Knowledge check: {correct} of {total} right.",
        "right": "Right.",
        "answer_is": "The answer is:",
        "check": "Check what you learned (optional)",
        "complete": "Mark as complete",
        "participants_only": "Participants mark modules complete here.",
        "switch": "Leer en español",
        "switch_lang": "es",
    },
    "es": {
        "skip": "Ir al contenido principal",
        "quick_exit": "Salida rápida",
        "library": "Biblioteca",
        "groups": "Sus grupos",
        "two_step": "Inicio de sesión en dos pasos",
        "sign_out": "Cerrar sesión",
        "help_region": "Ayuda en una crisis",
        "need_help": "¿Necesita ayuda ahora?",
        "lifeline": "988 Línea de Prevención del Suicidio y Crisis: llame o envíe un texto al",
        "helpline": "Línea Nacional de Ayuda de SAMHSA:",
        "minutes": "Unos {n} min de lectura",
        "version": "Versión",
        "changed": "Este módulo cambió desde que leyó la versión {n}.",
        "what_changed": "Qué cambió:",
        "on_this_page": "En esta página",
        "sources": "Fuentes",
        "finished": "¿Terminó de leer?",
        "marked": "Lo marcó como terminado el",
        "score": "Comprobación: {correct} de {total} correctas.",
        "right": "Correcto.",
        "answer_is": "La respuesta es:",
        "check": "Compruebe lo que aprendió (opcional)",
        "complete": "Marcar como terminado",
        "participants_only": "Aquí los participantes marcan los módulos como terminados.",
        "switch": "Read in English",
        "switch_lang": "en",
    },
}
