"""DynamoDB persistence: one single table, one module per record family.

Key design of the records table (``PK``/``SK``, both strings):

| record                                  | PK                  | SK                                  |
|-----------------------------------------|---------------------|-------------------------------------|
| completion of one exact module version  | ``PARTICIPANT#{id}``| ``COMPLETION#{module_id}#{v:07d}``  |
| progress: every version completed, when | ``PARTICIPANT#{id}``| ``PROGRESS``                        |
| a participant's group memberships       | ``PARTICIPANT#{id}``| ``GROUP#{group_id}``                |
| a leader's groups                       | ``LEADER#{id}``     | ``GROUP#{group_id}``                |
| group details                           | ``GROUP#{group_id}``| ``GROUP``                           |
| group leader                            | ``GROUP#{group_id}``| ``LEADER#{leader_id}``              |
| group member (participant)              | ``GROUP#{group_id}``| ``MEMBER#{participant_id}``         |
| assignment                              | ``GROUP#{group_id}``| ``ASSIGNMENT#{assignment_id}``      |
| audit entry (append-only)               | ``AUDIT``           | ``{iso time}#{entry_id}``           |
| web sign-in session (TTL, 15 min idle)  | ``SESSION#{sha256}``| ``SESSION``                         |

A group's whole partition (details, leaders, members, assignments) is one Query, so a
dashboard costs that Query plus one BatchGetItem of ``PROGRESS`` items per 100 participants.

A session's PK holds the SHA-256 of the random id in the browser's cookie, never the id
itself (``records/sessions.py``); DynamoDB's TTL (``expires_at``, mirrored in ``ttl``: epoch seconds) removes it after it
expires; reads check the time themselves because TTL deletion lags.

Participant ids are Cognito ``sub`` values: pseudonymous, never names or emails.
Every access is a GetItem, Query, BatchGetItem or a (transactional) conditional write:
no Scan, ever.
"""
