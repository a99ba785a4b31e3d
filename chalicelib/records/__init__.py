"""DynamoDB persistence: one single table, one module per record family.

Key design of the records table (``PK``/``SK``, both strings):

| record                                  | PK                  | SK                                  |
|-----------------------------------------|---------------------|-------------------------------------|
| completion of one exact module version  | ``PARTICIPANT#{id}``| ``COMPLETION#{module_id}#{v:07d}``  |
| completed versions: every one, and when | ``PARTICIPANT#{id}``| ``COMPLETED_VERSIONS``              |
| knowledge-check attempt (a retake)      | ``PARTICIPANT#{id}``| ``ATTEMPT#{module_id}#{v:07d}#{n:04d}`` |
| worksheet answers of one module         | ``PARTICIPANT#{id}``| ``WORKSHEET#{module_id}``           |
| which worksheet fields are answered     | ``PARTICIPANT#{id}``| ``SAVED_WORKSHEETS``                |
| an earlier save of a worksheet (last 10)| ``PARTICIPANT#{id}``| ``WORKSHEET_SAVE#{module_id}#{n:02d}`` |
| one saved version of the plan          | ``PARTICIPANT#{id}``| ``PLAN#{version:07d}``              |
| a participant's group memberships       | ``PARTICIPANT#{id}``| ``GROUP#{group_id}``                |
| a leader's groups                       | ``LEADER#{id}``     | ``GROUP#{group_id}``                |
| a leader's digest claimed for a day (TTL)| ``LEADER#{id}``    | ``DIGEST_SENT#{program day}``       |
| group details                           | ``GROUP#{group_id}``| ``GROUP``                           |
| group leader                            | ``GROUP#{group_id}``| ``LEADER#{leader_id}``              |
| participant enrolled in the group       | ``GROUP#{group_id}``| ``PARTICIPANT#{participant_id}``    |
| participant who left it (their stints)  | ``GROUP#{group_id}``| ``FORMER#{participant_id}``         |
| assignment                              | ``GROUP#{group_id}``| ``ASSIGNMENT#{assignment_id}``      |
| its assignments and member ids, in one  | ``GROUP#{group_id}``| ``DUE``                             |
| "needs attention" reason marked as seen | ``GROUP#{group_id}``| ``ATTENTION_SEEN#{id}#{reason}``    |
| audit entry (append-only), per UTC day  | ``AUDIT#{day}``     | ``{iso time}#{entry_id}``           |
| its copy for each participant concerned | ``PARTICIPANT#{id}``| ``ACCESS#{iso time}#{entry_id}``    |
| web sign-in session (TTL, 15 min idle)  | ``SESSION#{sha256}``| ``SESSION``                         |
| a form (page) kept across a sign-out, 1 h| ``KEPT_FORM#{sha256}`` | ``KEPT_FORM``                  |
| its pointer, in its account's partition | ``PARTICIPANT#{id}``| ``KEPT_FORM#{sha256}``              |
| an account's web sessions (TTL)         | ``ACCOUNT#{id}``    | ``SESSION#{sha256}``                |
| an account's not-valid-before time      | ``ACCOUNT#{id}``    | ``NOT_VALID_BEFORE``                |
| access ending: a notice due on that day | ``ACCESS_NOTICE#{day}`` | ``PARTICIPANT#{id}``            |
| reminder choice + contact; page language| ``PARTICIPANT#{id}``| ``REMINDERS``                       |
| reminder sent (local date, time, groups)| ``PARTICIPANT#{id}``| ``REMINDER_SENT``                   |
| reminder slot index (UTC quarter hour)  | ``REMINDER_SLOT#{HHMM}`` | ``PARTICIPANT#{id}``           |
| one reminder run's counts               | ``REMINDER_RUN#{utc date}`` | ``{slot}#{time}#{run id}``  |

A participant's worksheets are one Query (``begins_with(SK, "WORKSHEET#")``: the plan); one
module's worksheet of a group's participants is one BatchGetItem ("Before the session");
saving is one GetItem and one transaction (on condition of what was read, with the replaced
answers kept as an earlier save, ``WORKSHEET_SAVE#``) that also updates ``SAVED_WORKSHEETS``: which fields of each
worksheet are answered and when, and whether it is shared, with no answer text; a group's
grid and "needs attention" read that one item per participant instead of one item per
worksheet; it also holds each worksheet's counts (fields answered of how many, in the version
saved in), which the participant's home reads with ``COMPLETED_VERSIONS`` in one BatchGetItem
(``records/worksheets.py`` has the conditional-write rules). The
plan page is that Query plus one Query for the newest saved version of the plan; saving the
plan is one conditional PutItem of the next version (``records/plans.py``).

Every key string is built in ``records/keys.py``; nothing outside ``records/`` knows them.

A group's whole partition (details, leaders, participants, assignments) is one Query, so a
dashboard costs that Query plus one BatchGetItem of ``COMPLETED_VERSIONS`` items per 100
participants. The audit trail is sharded by day and copied into each participant's partition
(``records/audit.py``: paging across days, the 100-item transaction limit).

(Before there was any production data, these were named ``MEMBER#`` and
``PROGRESS``, and audit entries all lived under ``AUDIT``; a local snapshot from then is not
read back: delete ``.local/``.)

Shared plumbing in ``records/table.py``: ``transact`` (the one TransactWriteItems call, with
the retry on ``TransactionConflict``), ``query_all`` and ``query_page`` (the Query helpers),
and ``error_code`` (from ``chalicelib.aws``).

A session's PK holds the SHA-256 of the random id in the browser's cookie, never the id itself
(``records/sessions.py``); DynamoDB's TTL (``expires_at``, mirrored in ``ttl``: epoch seconds)
removes it after it expires; reads check the time themselves because TTL deletion lags. A
group leader's session also holds the sign-in details of accounts they just created, until
handed over or 15 minutes old (``handouts``: appended atomically, removed by a rewrite
conditional on ``handouts_version``), so a reload of the group page still shows them; and
the answers of its one-time-key forms (``form_keys``: claimed conditional on the form's
fingerprint not being there yet), so a form sent twice acts once.

A participant's form post that arrived after their session ended (or, for anyone, the page
being opened then) is kept for an hour under the SHA-256 of a random id its cookie holds
(``records/kept_forms.py``: created only, never overwritten; deleted once saved or used; TTL as
sessions), with the account it belongs to, and created in the same TransactWriteItems with a
pointer in that account's ``PARTICIPANT#`` partition (the key only, the same TTL), so "delete
what I wrote" finds every form kept for them with one Query, on any device; the pointer is
deleted with its form.

An account's not-valid-before time (``records/access.py``) is written when an admin disables
the account; token checks read it through a 5-minute per-container cache (``chalicelib.access``).
When a participant's access starts to end (they left their last group), the same transaction
puts one index item per notice to send them before it ends (``ACCESS_NOTICE#{program day}``,
30 and 7 days before their last full day); the quarter-hour run reads today's partition with
one Query and claims each notice with a conditional update before sending it. Enrolling them
again deletes the items (``records/access.py`` has the rules).

"Needs attention" (``records/attention.py``): a reason marked as seen is an item in the group's
partition holding the fingerprint of the situation it was marked in (so the group Query reads it);
the group's ``inactive_days`` setting is an attribute of the ``GROUP`` item. The facts the rule
needs (``COMPLETED_VERSIONS`` with the knowledge-check results, and ``SAVED_WORKSHEETS``) are
one BatchGetItem per 50 participants (two keys each).

Reminders (``records/reminders.py``): saving a choice rewrites its slot pointers in the same
transaction (``version`` condition); the scheduled run reads one slot partition with one Query,
then choices, sent state and ``COMPLETED_VERSIONS`` in BatchGetItems, the ``DUE`` items of their
groups in BatchGetItems (100 groups a call; never each group's partition), and claims "sent on
local date D" with conditional updates (up to 100 in one TransactWriteItems) before sending anything.
The ``REMINDERS`` item is the participant's settings record: the pages' time zone is its
``timezone``, and the language of their pages is its ``page_locale`` (one UpdateItem that adds 1
to ``version``, so a reminder save from an older read re-reads; read with one projected GetItem
at sign-in only).

Participant ids are Cognito ``sub`` values: pseudonymous, never names or emails.
Every access is a GetItem, Query, BatchGetItem or a (transactional) conditional write:
no Scan, ever.
"""
