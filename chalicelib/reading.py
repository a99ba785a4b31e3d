"""What a participant does: read a module, record a completion (with knowledge-check
answers), answer the knowledge check of a completed version again (a retake), list their
completions, and see their own assignments with statuses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from chalicelib.assignments import assigned_modules
from chalicelib.clock import Clock
from chalicelib.errors import BadRequest, Conflict
from chalicelib.identity import PARTICIPANTS, Caller
from chalicelib.library import (
    DEFAULT_LOCALE,
    Found,
    ModuleLibrary,
    check_locale,
    check_module_id,
    curriculum_version,
    parse_version,
    query_words,
)
from chalicelib.records.completions import (
    MAX_ATTEMPTS,
    Attempt,
    CompletedVersions,
    Completion,
    CompletionRecords,
)
from chalicelib.records.groups import GroupRecords
from chalicelib.reminders import zone_named
from chalicelib.statuses import (
    COMPLETED_OLDER,
    Change,
    ModuleStatus,
    changes_since,
    status_of,
)
from chalicelib.text import ascii_digits
from chalicelib.worksheets import (
    MyWorksheet,
    WorksheetProgress,
    fields_of,
    worksheet_progress,
    worksheet_view,
)


@dataclass(frozen=True)
class Feedback:
    """Whether one knowledge-check answer was right, the right answer and its explanation."""

    question: str
    correct: bool
    answer: int  # the right choice, counting from 0
    right: str  # the right choice's text
    explanation: str
    chosen: str = ""  # the text of the participant's own choice

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "answer": self.answer, "explanation": self.explanation}


@dataclass(frozen=True)
class Recorded:
    completion: Completion
    created: bool  # False: recorded before (the first record is kept)
    feedback: tuple[Feedback, ...]
    # Recorded before with other answers than these (a second window, an old form): the
    # feedback is of the answers recorded first, not of the ones just sent.
    answered_elsewhere: bool = False
    # Answers sent to a completion recorded without any (another window completed it without
    # the check): kept as the check's first try, not dropped.
    attempt: Attempt | None = None


@dataclass(frozen=True)
class Retaken:
    """One knowledge-check attempt on a completed version, and the feedback on its answers."""

    attempt: Attempt
    created: bool  # False: this attempt was recorded before (a retry gets the stored one)
    feedback: tuple[Feedback, ...]
    # Recorded before with other answers than these (a second window offered the same
    # attempt): the feedback is of the answers recorded first, not of the ones just sent.
    answered_elsewhere: bool = False


@dataclass(frozen=True)
class CompletionPage:
    completions: tuple[Completion, ...]
    next_page_token: str | None


@dataclass(frozen=True)
class MyAssignment:
    """One module assigned to the participant, with its status: from their active groups, and
    what they completed of an archived group's (``group_archived``: their own record of their
    work; nothing of it is left to do). On their home, also a module they completed that no
    group assigns them now (``assigned`` False: unassigned since, or read on their own)."""

    group_id: str
    module_id: str
    title: str
    target_version: int
    latest_version: int
    due_date: str | None
    session_date: str | None
    status: ModuleStatus
    changes: tuple[Change, ...] | None  # with ``completed_older_version``: what changed since
    position: tuple[int, int] = (0, 0)  # see ``assignments.reading_order``
    track_ids: tuple[str, ...] = ()
    locale: str = DEFAULT_LOCALE  # the language ``title`` is in
    reading_minutes: int | None = None
    group_archived: bool = False
    assigned: bool = True
    # On their home, for an assigned module with a worksheet: how far it is answered
    # (``worksheets.worksheet_progress``; ``None``: nothing to say, or unknown).
    worksheet: WorksheetProgress | None = None

    @property
    def to_read(self) -> bool:
        """Still on their reading list: assigned, not done, and its group not archived."""
        return self.assigned and not self.status.done and not self.group_archived

    def to_dict(self) -> dict[str, Any]:
        row = {
            "module_id": self.module_id,
            "title": self.title,
            "target_version": self.target_version,
            "latest_version": self.latest_version,
            "due_date": self.due_date,
            "session_date": self.session_date,
            **self.status.to_dict(),
            "group_id": self.group_id,
            "group_archived": self.group_archived,
        }
        if self.changes is not None:
            row["changes"] = [c.to_dict() for c in self.changes]
        return row


@dataclass(frozen=True)
class TrackProgress:
    """How far the participant is through one assigned track ("3 of 8 done")."""

    track_id: str
    title: str
    done: int
    total: int
    locale: str = DEFAULT_LOCALE  # the language ``title`` is in


@dataclass(frozen=True)
class MyReading:
    """A participant's reading, in the one reading order (``assignments.reading_order``);
    what is left to read in the order to read it (``to_do``: today's group reading first)."""

    assignments: tuple[MyAssignment, ...]
    tracks: tuple[TrackProgress, ...]
    today: str  # ISO date: session dates before it are past
    # The participant's own time zone (home: read with what they completed), the one their
    # pages show clock times in; ``None`` where not read. Their due dates stay the program's.
    zone: tzinfo | None = None

    @property
    def next_up(self) -> MyAssignment | None:
        """The first assignment still to read (``to_do``): the reading for today's group
        session, else the first in reading order."""
        return next(iter(self.to_do), None)

    @property
    def to_do(self) -> tuple[MyAssignment, ...]:
        """The assignments still to read, in the order to read them: first what is to be read
        before a group session held today (the program's calendar day, as ``today``), then the
        rest in reading order (the soonest due first: anything overdue right below it). On the
        day of a session its reading is what matters most; an older overdue module put it
        third on home (walk 15, problem 16). Several for today's session keep their reading
        order among themselves."""
        left = [a for a in self.assignments if a.to_read]
        return tuple(sorted(left, key=lambda a: a.session_date != self.today))  # stable

    @property
    def finished(self) -> tuple[MyAssignment, ...]:
        """Done, and what they completed of an archived group's assignments or of a module no
        longer assigned to them (an older version too: it is their record of their reading)."""
        return tuple(a for a in self.assignments if not a.to_read)

    @property
    def assigned_now(self) -> bool:
        """Something is assigned in an active group (done or not)."""
        return any(a.assigned and not a.group_archived for a in self.assignments)

    def after(self, module_id: str) -> MyAssignment | None:
        """What to read after ``module_id``: the first assignment still to read (``to_do``),
        other than it."""
        return next((a for a in self.to_do if a.module_id != module_id), None)


@dataclass(frozen=True)
class LibrarySearch:
    """The library's modules that match a search, and, for a participant, where they stand
    with those they completed a version of (by module id; the others are not there)."""

    modules: tuple[Found, ...]
    completed: Mapping[str, ModuleStatus]
    # Found nothing: the words, each one the library does not have replaced by its closest
    # word ("cravngs" → "cravings"), when those would find something (``ModuleLibrary.suggest``).
    suggestion: str | None = None
    # Found nothing in one topic: how many modules the same words find in every topic (0 when
    # the search was in every topic, or found something), so the page can offer that search.
    elsewhere: int = 0


@dataclass(frozen=True)
class ModuleReading:
    """The latest version of a module in the reader's language and where they stand with it."""

    document: dict[str, Any]
    current_version: int  # the English (curriculum) version the document stands for
    questions: tuple[
        dict[str, Any], ...
    ]  # knowledge-check questions and choices, never the answers
    can_complete: bool
    status: ModuleStatus | None  # for participants: completed, or completed an older version
    changes: tuple[Change, ...]  # since the older version they completed
    # {"correct", "total"} of the latest knowledge-check attempt on the completed current version
    score: dict[str, Any] | None
    feedback: tuple[Feedback, ...]
    # Once completed: what to read next (``None``: nothing left for now).
    next_up: MyAssignment | None = None
    attempts: int = 0  # knowledge-check attempts made on the completed current version

    @property
    def next_attempt(self) -> int:
        return self.attempts + 1

    @property
    def can_retake(self) -> bool:
        """Completed, with a knowledge check to answer (again)."""
        return bool(
            self.status is not None
            and self.status.done
            and self.questions
            and self.next_attempt <= MAX_ATTEMPTS
        )

    @property
    def locale(self) -> str:
        return str(self.document.get("locale", DEFAULT_LOCALE))


@dataclass(frozen=True)
class Lesson:
    """What the lesson page shows: the reading, the reader's worksheet of the module, and the
    reader's own time zone (chosen on Account; else the program's). The day they completed it,
    like due and session dates, is a day on the program's calendar (``Clock.zone``), as the
    leader's grid has it; the page says so when their own zone is another."""

    reading: ModuleReading
    worksheet: MyWorksheet | None
    zone: tzinfo


def grade(questions: list[dict[str, Any]], answers: Any) -> dict[str, Any]:
    """Check answers on the server (participants never receive the right answers up front)."""
    if not questions:
        raise BadRequest("This module has no knowledge check.", code="invalid_answers")
    if (
        not isinstance(answers, list)
        or len(answers) != len(questions)
        or any(isinstance(a, bool) or not isinstance(a, int) for a in answers)
        or any(not 0 <= a < len(q["choices"]) for a, q in zip(answers, questions, strict=True))
    ):
        raise BadRequest(
            f"answers is a list of {len(questions)} choice numbers, one per question, counting from 0.",
            code="invalid_answers",
        )
    correct = sum(1 for a, q in zip(answers, questions, strict=True) if a == q["answer"])
    return {"answers": answers, "correct": correct, "total": len(questions)}


def feedback(questions: list[dict[str, Any]], answers: list[int]) -> tuple[Feedback, ...]:
    return tuple(
        Feedback(
            q["question"],
            a == q["answer"],
            q["answer"],
            q["choices"][q["answer"]],
            q["explanation"],
            q["choices"][a] if 0 <= a < len(q["choices"]) else "",
        )
        for a, q in zip(answers, questions, strict=True)
    )


def check_attempt(value: Any) -> int:
    """An attempt number: a whole number (or its digits, from a form) from 1 to ``MAX_ATTEMPTS``."""
    if isinstance(value, str) and ascii_digits(value, 3):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ATTEMPTS:
        raise BadRequest(
            f"attempt is the number of this try at the knowledge check, from 1 to {MAX_ATTEMPTS}.",
            code="invalid_attempt",
        )
    return value


def _feedback_of(questions: list[dict[str, Any]], answers: list[int]) -> tuple[Feedback, ...]:
    """``feedback``, or none when the stored answers were to another set of questions."""
    if len(answers) != len(questions):
        return ()
    return feedback(questions, answers)


def answers_from_choices(chosen: Mapping[int, str], questions: int) -> list[int] | None:
    """Answers picked one question at a time (question number → choice number as text): all
    of them, or none (``None``: completed without the check); ``BadRequest`` for anything between."""
    given = [chosen.get(i) for i in range(questions)]
    if all(a is None for a in given):
        return None
    if any(a is None or not ascii_digits(a) for a in given):
        raise BadRequest(
            "Answer every question of the knowledge check, or none of them.", code="invalid_answers"
        )
    return [int(a) for a in given if a is not None]


@dataclass
class Reading:
    library: ModuleLibrary
    completions: CompletionRecords
    groups: GroupRecords
    clock: Clock

    def complete(
        self,
        caller: Caller,
        module_id: str,
        version: int,
        answers: Any = None,
        locale: str = DEFAULT_LOCALE,
    ) -> Recorded:
        """Record that ``caller`` completed this exact version, with optional knowledge-check answers.

        ``version`` is a version of ``locale``. A translation is recorded as the English version it
        was published with (``source_version``), so groups see one curriculum whatever language
        each person reads, with ``read_in`` saying which translation was read.

        ``feedback`` says, per question of the stored completion, whether the answer was right.
        Raises ``NotFound`` for a version never published, ``BadRequest`` for answers that do not fit.
        """
        return self._complete(caller, module_id, version, locale, lambda questions: answers)

    def complete_chosen(
        self,
        caller: Caller,
        module_id: str,
        version: object,
        chosen: Mapping[int, str],
        locale: str = DEFAULT_LOCALE,
    ) -> Recorded:
        """``complete`` with answers picked one question at a time (a form): see ``answers_from_choices``."""
        return self._complete(
            caller,
            module_id,
            version,
            locale,
            lambda questions: answers_from_choices(chosen, len(questions)),
        )

    def _complete(
        self, caller: Caller, module_id: str, version: Any, locale: str, answers_for: Any
    ) -> Recorded:
        module_id = check_module_id(module_id)
        version = parse_version(version)
        locale = check_locale(locale)
        document = self.library.version(module_id, version, locale).document
        questions = document.get("knowledge_check", [])
        answers = answers_for(questions)
        check = grade(questions, answers) if answers is not None else None
        read_in = {"locale": locale, "version": version} if locale != DEFAULT_LOCALE else None
        completion, created = self.completions.record(
            caller.id, module_id, curriculum_version(document), check, read_in
        )
        given = completion.knowledge_check["answers"] if completion.knowledge_check else None
        if not created and given is None and check is not None:
            # Window A completed it without the check, window B with answers: B's answers are
            # the check's first try (a try already made in a third window is kept instead).
            try:
                first, fresh = self.completions.record_attempt(
                    caller.id, module_id, curriculum_version(document), 1, check
                )
            except Conflict as refused:
                if refused.code != "attempt_out_of_order":
                    raise
                # Attempt 1 is out of order only when it was made (its result is kept) and
                # its answers deleted since (DELETE /me/data): these answers are that try
                # again, not a new one, and are not recorded. The completion as it is, 200,
                # with no feedback, as the lesson page shows it.
                return Recorded(completion, created, ())
            kept = first.knowledge_check["answers"]
            return Recorded(
                completion,
                created,
                _feedback_of(questions, kept),
                answered_elsewhere=not fresh and kept != answers,
                attempt=first,
            )
        # Both with answers, and other ones: window B's after window A's.
        elsewhere = not created and answers is not None and given is not None and answers != given
        return Recorded(
            completion,
            created,
            _feedback_of(questions, given) if given is not None else (),
            answered_elsewhere=elsewhere,
        )

    def retake(
        self,
        caller: Caller,
        module_id: str,
        version: Any,
        attempt: Any,
        answers: Any,
        locale: str = DEFAULT_LOCALE,
    ) -> Retaken:
        """Answer the knowledge check of a completed version again: attempt number ``attempt``
        (the next one: the check answered with the completion is attempt 1). The completion is
        not touched; the latest attempt is the score shown from now on. A repeat of an attempt
        returns the one stored (``answered_elsewhere`` where its answers were other ones).
        ``NotFound`` if the version is not completed, ``Conflict`` if ``attempt`` skips ahead,
        ``BadRequest`` for answers that do not fit."""
        return self._retake(caller, module_id, version, attempt, locale, lambda questions: answers)

    def retake_chosen(
        self,
        caller: Caller,
        module_id: str,
        version: object,
        attempt: object,
        chosen: Mapping[int, str],
        locale: str = DEFAULT_LOCALE,
    ) -> Retaken:
        """``retake`` with answers picked one question at a time (a form): every one of them."""

        def answers_for(questions: list[dict[str, Any]]) -> list[int]:
            answers = answers_from_choices(chosen, len(questions))
            if answers is None:
                raise BadRequest(
                    "Answer every question of the knowledge check.", code="invalid_answers"
                )
            return answers

        return self._retake(caller, module_id, version, attempt, locale, answers_for)

    def _retake(
        self,
        caller: Caller,
        module_id: str,
        version: Any,
        attempt: Any,
        locale: str,
        answers_for: Any,
    ) -> Retaken:
        module_id = check_module_id(module_id)
        version = parse_version(version)
        locale = check_locale(locale)
        number = check_attempt(attempt)
        document = self.library.version(module_id, version, locale).document
        questions = document.get("knowledge_check", [])
        check = grade(questions, answers_for(questions))
        stored, created = self.completions.record_attempt(
            caller.id, module_id, curriculum_version(document), number, check
        )
        kept = stored.knowledge_check["answers"]
        return Retaken(
            stored,
            created,
            _feedback_of(questions, kept),
            answered_elsewhere=not created and kept != check["answers"],
        )

    def completions_page(
        self, caller: Caller, page_token: str | None, limit: int
    ) -> CompletionPage:
        """One page of the caller's own completions."""
        items, token = self.completions.list(caller.id, page_token=page_token, limit=limit)
        return CompletionPage(tuple(items), token)

    def search(
        self,
        caller: Caller,
        locale: str = DEFAULT_LOCALE,
        topic: str | None = None,
        query: str = "",
    ) -> LibrarySearch:
        """``ModuleLibrary.search`` and, for a participant, which of the modules found they
        completed (the latest version, or an older one): one BatchGetItem. Nothing found: the
        words that would find something, if a few letters differ (``ModuleLibrary.suggest``),
        and, in one topic, how many modules they find in every topic. Both in memory, from the
        cached catalog: no AWS call more."""
        found = tuple(self.library.search(locale, topic, query))
        if not found:
            elsewhere = (
                len(self.library.search(locale, None, query)) if topic and query_words(query) else 0
            )
            return LibrarySearch(found, {}, self.library.suggest(locale, topic, query), elsewhere)
        if PARTICIPANTS not in caller.roles:
            return LibrarySearch(found, {})
        completed = self.completions.completed_versions([caller.id])[caller.id]
        # The curriculum (English) version each module is at: a translation stands for it.
        current = {m["id"]: int(m["version"]) for m in self.library.catalog()}
        today = self.clock.today()
        return LibrarySearch(
            found,
            {
                f.module["id"]: status_of(
                    f.module["id"], current.get(f.module["id"], 0), None, completed, today
                )
                for f in found
                if completed.latest(f.module["id"]) is not None
            },
        )

    def lesson(self, caller: Caller, module_id: str, locale: str = DEFAULT_LOCALE) -> Lesson:
        """The lesson page: the latest version to read in ``locale`` (English where not
        translated) and, for a participant, whether they completed it (the score and feedback
        of that completion, or what changed since the older version they completed) and their
        worksheet of it (``None`` where the module has none). One BatchGetItem reads what they
        completed, the worksheet and the time zone they chose (``Lesson.zone``); once
        completed, the score (one GetItem) and what comes next add theirs."""
        document = self.library.latest(module_id, locale).document
        if PARTICIPANTS not in caller.roles:
            reading = self._reading(caller, module_id, locale, document, None)
            return Lesson(reading, None, self.clock.zone)
        has_worksheet = bool(fields_of(document))
        completed, sheet, zone = self.completions.lesson_state(caller.id, module_id, has_worksheet)
        reading = self._reading(caller, module_id, locale, document, completed)
        worksheet = None
        if has_worksheet:
            worksheet = worksheet_view(module_id, dict(document), reading.locale, sheet)
        # Their own zone, as ``ReminderService.zone_of`` has it, read in the same BatchGetItem.
        return Lesson(reading, worksheet, zone_named(zone) if zone else self.clock.zone)

    def _reading(
        self,
        caller: Caller,
        module_id: str,
        locale: str,
        document: dict[str, Any],
        completed: CompletedVersions | None,
    ) -> ModuleReading:
        current = curriculum_version(document)
        questions = document.get("knowledge_check", [])
        shown = tuple({"question": q["question"], "choices": q["choices"]} for q in questions)
        is_participant = completed is not None
        status = None
        changes: tuple[Change, ...] = ()
        given: tuple[Feedback, ...] = ()
        score = None
        attempts = 0
        if completed is not None and completed.latest(module_id) is not None:
            status = status_of(module_id, current, None, completed, self.clock.today())
        if status is not None and status.status == COMPLETED_OLDER and status.version is not None:
            changes = tuple(changes_since(self.library, module_id, status.version))
        elif (
            completed is not None
            and status is not None
            and status.done
            and questions
            and status.version is not None
        ):
            # The latest attempt is the score (one GetItem: its answers, for the feedback).
            attempts = len(completed.attempts(module_id, status.version))
            latest = self.completions.latest_attempt(caller.id, module_id, status.version, attempts)
            if latest is not None:
                score = {**latest.knowledge_check, "attempt": latest.attempt}
                given = _feedback_of(questions, latest.knowledge_check["answers"])
            elif (result := completed.latest_check(module_id, status.version)) is not None:
                # The participant deleted their answers: the result stays, no feedback.
                score = {
                    "correct": result.correct,
                    "total": result.total,
                    "attempt": result.attempt,
                }
        next_up = None
        if status is not None and status.done:
            # What they completed was read above (one BatchGetItem fewer).
            next_up = self.my_reading(caller, locale, completed).after(module_id)
        return ModuleReading(
            document,
            current,
            shown,
            is_participant,
            status,
            changes,
            score,
            given,
            next_up,
            attempts,
        )

    def my_reading(
        self,
        caller: Caller,
        locale: str = DEFAULT_LOCALE,
        completed: CompletedVersions | None = None,
        with_worksheets: bool = False,
    ) -> MyReading:
        """``my_assignments`` with titles in ``locale`` where translated, and the progress
        through each assigned track (its title in ``locale`` where translated too); after them,
        the modules they completed that no group assigns them now (``_finished_unassigned``).
        ``completed``: what the caller completed, if this request has just read it (else one
        BatchGetItem reads it, as ``my_assignments`` would). ``with_worksheets`` (home): that
        BatchGetItem also reads how far each saved worksheet is, and each assigned module
        with a worksheet says so (``MyAssignment.worksheet``), and the participant's own time
        zone (``MyReading.zone``); no other call, no S3 read."""
        counts: dict[str, Any] | None = None
        zone: tzinfo | None = None
        if completed is None or completed.participant_id != caller.id:
            if with_worksheets:
                completed, counts, chosen = self.completions.home_state(caller.id)
                zone = zone_named(chosen) if chosen else self.clock.zone
            else:
                completed = self.completions.completed_versions([caller.id])[caller.id]
        assigned = self.my_assignments(caller, completed)
        catalog = {m["id"]: m for m in self.library.catalog(locale=locale)}
        sizes = self.library.worksheet_fields() if counts is not None else {}

        def progress(r: MyAssignment) -> WorksheetProgress | None:
            if counts is None or not r.assigned:
                return None
            return worksheet_progress(
                sizes.get(r.module_id),
                r.latest_version,
                r.module_id in counts,
                counts.get(r.module_id),
            )

        rows = [
            replace(
                r,
                title=catalog[r.module_id]["title"],
                locale=catalog[r.module_id]["locale"],
                reading_minutes=catalog[r.module_id].get("reading_minutes"),
                worksheet=progress(r),
            )
            if r.module_id in catalog
            else r
            for r in assigned + self._finished_unassigned(completed, assigned)
        ]
        track_ids = list(dict.fromkeys(t for row in rows for t in row.track_ids))
        titles = self.library.track_titles(locale) if track_ids else {}
        tracks = tuple(
            TrackProgress(
                tid,
                titles.get(tid, (tid, DEFAULT_LOCALE))[0],
                sum(1 for r in rows if tid in r.track_ids and r.status.done),
                sum(1 for r in rows if tid in r.track_ids),
                titles.get(tid, (tid, DEFAULT_LOCALE))[1],
            )
            for tid in track_ids
        )
        return MyReading(tuple(rows), tracks, self.clock.today().isoformat(), zone)

    def _finished_unassigned(
        self, completed: CompletedVersions, assigned: list[MyAssignment]
    ) -> list[MyAssignment]:
        """The modules ``completed`` (a version of) that are not among ``assigned``, in the
        order they were completed: a track unassigned after they read some of it ("completions
        already recorded stay"), a group they left, a module read on their own. Their own record
        of their work, like an archived group's (``my_assignments``); nothing in it is left to
        do. From what was read already: no other read (the catalog is cached). A module retired
        from the library is left out, as ``assigned_modules`` leaves it out."""
        listed = {r.module_id for r in assigned}
        done = sorted(
            (latest[1], module_id)
            for module_id, latest in completed.latest_versions().items()
            if module_id not in listed
        )
        if not done:
            return []
        catalog = {m["id"]: m for m in self.library.catalog()}
        today = self.clock.today()
        rows = []
        for place, (_, module_id) in enumerate(done):
            entry = catalog.get(module_id)
            if entry is None:
                continue
            status = status_of(module_id, entry["version"], None, completed, today)
            rows.append(
                MyAssignment(
                    "",
                    module_id,
                    entry["title"],
                    entry["version"],
                    entry["version"],
                    None,
                    None,
                    status,
                    None,
                    (len(assigned), place),
                    assigned=False,
                )
            )
        return rows

    def my_assignments(
        self, caller: Caller, completed: CompletedVersions | None = None
    ) -> list[MyAssignment]:
        """A participant's own assignments, with statuses: their active groups' (done or not),
        and what they completed of their archived groups' (their record of their work; the rest
        of an archived group's reading is no longer theirs to do, and its tracks are over). One
        row per module: in one group an assignment to them alone wins over the group's (its date
        and version, as in ``assignments.assigned_to``); across groups an active group's row
        before an archived group's, else the earliest due date. In reading order
        (``assignments.reading_order``: soonest due first, a track's modules in the track's
        order). ``completed``: what the caller completed, if this request has just read it (else
        one BatchGetItem reads it). Each group is read once, archived or not (one Query each)."""
        if completed is None or completed.participant_id != caller.id:
            completed = self.completions.completed_versions([caller.id])[caller.id]
        today = self.clock.today()
        rows: dict[str, MyAssignment] = {}
        for gid in self.groups.groups_of_participant(caller.id):
            group = self.groups.get(gid)
            member = group.member(caller.id)
            joined_at = member.joined_at if member else None
            for assigned in assigned_modules(group.assignments, self.library):
                if assigned.participant_id not in (None, caller.id):
                    continue
                # The due date that applies to them, and the session date of the same assignment.
                due, session = assigned.dates_for(joined_at, self.clock.zone)
                status = status_of(
                    assigned.module_id, assigned.target_version, due, completed, today
                )
                if group.archived and status.version is None:
                    continue  # never completed: it left their reading list with the group
                changes = None
                if status.status == COMPLETED_OLDER and status.version is not None:
                    changes = tuple(changes_since(self.library, assigned.module_id, status.version))
                row = MyAssignment(
                    gid,
                    assigned.module_id,
                    assigned.title,
                    assigned.target_version,
                    assigned.latest_version,
                    due,
                    session,
                    status,
                    changes,
                    assigned.position,
                    () if group.archived else assigned.track_ids,
                    group_archived=group.archived,
                )
                current = rows.get(assigned.module_id)
                if current is not None:  # see the docstring
                    both = tuple(dict.fromkeys(current.track_ids + row.track_ids))
                    if current.group_id == gid:
                        # In one group an assignment to them alone wins over the group's (its
                        # date and version: an extension), as the leader's grid shows it.
                        own = assigned.participant_id == caller.id
                        kept = row if own else current
                    else:  # two groups: an active one's first, else the earliest due date
                        earlier = (row.due_date or "9999") < (current.due_date or "9999")
                        if row.group_archived != current.group_archived:
                            earlier = current.group_archived
                        kept = row if earlier else current
                    row = replace(kept, track_ids=both)
                rows[assigned.module_id] = row
        return sorted(rows.values(), key=lambda r: (r.due_date or "9999-12-31", r.position))
