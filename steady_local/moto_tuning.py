"""Make moto's TransactWriteItems cost what the transaction writes, not the size of the table.

moto backs a transaction up by deep-copying every table it touches, once per item of the
transaction, and puts the copies back if the transaction is refused. With the few thousand
records of a local stack that has been used for a while, a page view that writes its audit
entries in one transaction spent nearly all its time copying (the 15 × 30 progress grid in the
browser suite: minutes). Here the transaction keeps a copy of each item it names, as it was,
and puts exactly those back if it is refused. What a transaction does, and what a refused one
leaves behind, stay the same (``tests/functional/test_moto_tuning.py``).

Used by the local runner and the tests, never by the service: production code never imports
moto.
"""

from __future__ import annotations

import copy
from typing import Any

_INSTALLED = "_steady_rolls_back_items"


def roll_back_items_not_tables() -> None:
    """Install the item-level rollback into moto (once per process)."""
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    if getattr(backend.transact_write_items, _INSTALLED, False):
        return
    transact = backend.transact_write_items

    class _TablesNotCopied:
        """moto's ``copy`` module as its transaction sees it: tables come back as they are."""

        copy = staticmethod(copy.copy)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        before = [_as_it_was(self, item) for item in transact_items]
        try:
            transact(self, transact_items)
        except BaseException:
            for table_name, key, attributes in reversed([b for b in before if b is not None]):
                table = self.get_table(table_name)
                if attributes is None:
                    table.delete_item(*self.get_keys_value(table, key))
                else:
                    table.put_item(attributes)
            raise

    setattr(transact_write_items, _INSTALLED, True)
    models.copy = _TablesNotCopied  # type: ignore[assignment]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _as_it_was(backend: Any, item: dict[str, Any]) -> tuple[str, dict, dict | None] | None:
    """(table, key, the item's attributes or None if absent) for one transaction item, or None
    when the item is malformed (moto refuses it before writing anything for it)."""
    try:
        op_type, op = next(iter(item.items()))
        table_name = op["TableName"]
        table = backend.get_table(table_name)
        if op_type == "Put":
            attrs = op["Item"]
            key = {table.hash_key_attr: attrs[table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs[table.range_key_attr]
        else:
            key = op["Key"]
        current = backend.get_item(table_name, key)
    except Exception:
        return None
    return table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None
