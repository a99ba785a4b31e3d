"""``steady-content new``: a module file with complete front matter and the house structure.

The house structure: objectives (front matter), a short welcome, body sections (``##``), a
``!!! tip "Try this"`` exercise with a commented example worksheet (one list feeding a plan
section), a knowledge check (front matter) and ``## Key points``.
Every place the author must fill in says TODO, and lint (PH001) refuses a TODO, so a scaffold
can never be merged unfinished.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from chalicelib.vocabulary import DEFAULT_LOCALE, TOPICS
from steady_content import frontmatter, rules
from steady_content.rules import PLACEHOLDER

LANGUAGE_NAMES = {"es": "Spanish"}

TEMPLATE = """\
---
id: {module_id}
title: {title}
version: 1
topic: {topic}
summary: {todo} One sentence that says what this module is about.
locale: en
objectives:
  - {todo} Describe the main idea in your own words.
  - {todo} Practice one skill before the next group.
tags: [{topic}]
review:
  status: draft
  reviewer: null
  date: null
changelog: First version.
references:
  - title: "{todo} A trusted source (NIDA, SAMHSA, NIMH, NIAAA)"
    url: https://www.samhsa.gov/find-help/national-helpline
knowledge_check:
  - question: "{todo} A question about the main idea?"
    choices:
      - "{todo} The right answer."
      - "{todo} A wrong answer that sounds likely."
      - "{todo} Another wrong answer."
    answer: 0
    explanation: "{todo} Why the right answer is right, in one or two sentences."
---

{todo} Welcome the reader in one or two short sentences and say what they will learn.

## {todo} The first idea

{todo} Use short sentences and everyday words. Aim for grade 8 or lower.

## {todo} The second idea

{todo} A short example helps. Take Sam, who ...

!!! tip "Try this"
    {todo} A short exercise to practise before the next group.

    1. {todo} The first step.
    2. {todo} The second step.
    3. Bring your notes to your next group.

<!--
```worksheet
# {todo} A worksheet lets participants write answers that build their plan. To use this
# example, delete the line just above ```worksheet and the line just below the closing ```,
# then change it; or delete all of it. Kinds and plan sections: docs/authoring.md#worksheets
- id: what-helps-me        # stable: answers are kept under this id, never rename it
  kind: list
  max_items: 5
  label: Things that help me cope
  help: One thing on each line.
  plan: coping-skills      # feeds "What helps me cope" in the plan
```
-->

## Key points

- {todo} The first thing to remember.
- {todo} The second thing to remember.
"""


class ScaffoldError(Exception):
    """The module cannot be created (bad id, file exists, no English original)."""


def title_from_id(module_id: str) -> str:
    """``coping-with-anger`` → ``Coping with anger``."""
    words = module_id.replace("-", " ")
    return words[:1].upper() + words[1:]


def yaml_value(text: str) -> str:
    """``text`` as a YAML value on one line that reads back as exactly ``text``.

    Plain when YAML reads it as that text (``Saying no``), otherwise double-quoted: a title
    pasted as it is lost everything after `` #`` (a comment), failed on a colon, and turned
    ``Yes`` into true; a slug id like ``no`` or ``2026-01-01`` is a boolean or a date too.
    """
    plain = yaml.safe_dump(text, allow_unicode=True, width=math.inf)
    if plain.removesuffix("\n...\n").removesuffix("\n") == text:
        return text
    # Double quotes escape line breaks, so the value stays on its line.
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=math.inf).rstrip("\n")


def module_text(topic: str, module_id: str, title: str | None = None) -> str:
    """A new English module, every part to fill in marked TODO."""
    return TEMPLATE.format(
        module_id=yaml_value(module_id),
        topic=topic,
        title=yaml_value(title or title_from_id(module_id)),
        todo=PLACEHOLDER,
    )


def translation_text(original: str, locale: str) -> str:
    """A translation to start from: the original's front matter at version 1, a draft, in
    ``locale``, with a TODO that lint refuses until the text is translated."""
    source, problems = frontmatter.split("original", original)
    if source is None:
        raise ScaffoldError("the English original cannot be parsed: " + str(problems[0]))
    meta: dict[str, Any] = {}
    for key, value in source.meta.items():
        meta[key] = value
        if key == "version":
            meta["version"] = 1
            meta["locale"] = locale
    meta["locale"] = locale
    meta["review"] = {"status": "draft", "reviewer": None, "date": None}
    meta.pop("changelog", None)
    language = LANGUAGE_NAMES.get(locale, locale)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    note = f"<!-- {PLACEHOLDER}: translate this module into {language}, then delete this line -->"
    return f"---\n{front}---\n\n{note}\n\n{source.body.lstrip()}"


def create(
    content_dir: Path,
    topic: str,
    module_id: str,
    locale: str = DEFAULT_LOCALE,
    title: str | None = None,
) -> Path:
    """Write the new module file and return its path; never overwrite one."""
    if not rules.is_slug(module_id):
        # The rule lint applies (FM020): its length also keeps the file name one the
        # file system takes.
        shown = module_id if len(module_id) <= 80 else module_id[:40] + "..."
        raise ScaffoldError(
            f"'{shown}' is not a module id: use a lowercase slug of at most 80 characters "
            "like 'coping-with-anger'"
        )
    if topic not in TOPICS:
        raise ScaffoldError(f"topic must be one of: {', '.join(TOPICS)}")
    try:
        return _write(content_dir / topic, topic, module_id, locale, title)
    except OSError as error:
        # A content folder that cannot be written (read-only, a file, a name too long).
        where = f" {error.filename}" if error.filename else ""
        raise ScaffoldError(f"cannot write{where}: {error.strerror or error}") from error


def _write(folder: Path, topic: str, module_id: str, locale: str, title: str | None) -> Path:
    if locale == DEFAULT_LOCALE:
        path, text = folder / f"{module_id}.md", module_text(topic, module_id, title)
    else:
        original = folder / f"{module_id}.md"
        if not original.is_file():
            raise ScaffoldError(f"a translation needs its English original {original} first")
        path = folder / f"{module_id}.{locale}.md"
        text = translation_text(original.read_text(encoding="utf-8"), locale)
    if path.exists():
        raise ScaffoldError(f"{path} already exists")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
