"""DynamoDB persistence: one single table, one module per record family.

Key design of the records table (``PK``/``SK``, both strings):

| record                                  | PK                  | SK                                  |
|-----------------------------------------|---------------------|-------------------------------------|
| completion of one exact module version  | ``PARTICIPANT#{id}``| ``COMPLETION#{module_id}#{v:07d}``  |
| progress: versions completed per module | ``PARTICIPANT#{id}``| ``PROGRESS#{module_id}``            |

Participant ids are Cognito ``sub`` values: pseudonymous, never names or emails.
Every access is a GetItem, Query, BatchGetItem or a (transactional) conditional write:
no Scan, ever.
"""
