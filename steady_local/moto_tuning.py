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


_KEYS_INSTALLED = "_steady_remembers_keys"


def remember_response_keys() -> None:
    """Make moto's response serializer look up each field's possible names once, not per value.

    moto 5.2 writes every response through botocore's model: for each member of each structure
    it builds a context and six alias providers, which ask the value's class, the member's
    shape and its parent for the names the member may go by, and only then reads the value. A
    DynamoDB item is a structure per attribute value (ten members each), so a page's reads
    spent most of their moto time on names. With moto's own pickers and no response
    transformers, the names depend only on the value's class, the key and the shape (and its
    parent), so they are remembered by those; a value whose ``Meta`` aliases are not its
    class's (moto declares them on classes) is asked every time, as before. What is read and
    written stays the same (``tests/functional/test_moto_tuning.py``)."""
    from moto.core import serialize
    from moto.core.utils import get_value

    serializer = serialize.ResponseSerializer
    if getattr(serializer._serialize_structure_member, _KEYS_INSTALLED, False):
        return
    member = serializer._serialize_structure_member
    pickers = (serialize.AttributePicker, serialize.XFormedAttributePicker)
    missing = serialize.MISSING
    remembered: dict[tuple[Any, ...], tuple[tuple[str, ...], bool, Any, Any]] = {}

    def serialize_member(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        picker = self._value_picker
        kind = value.__class__
        if (
            type(picker) not in pickers
            or picker.alias_providers is not serialize.DEFAULT_ALIAS_PROVIDERS
            or picker.response_transformers
            or shape is None
            or getattr(value, "Meta", None) is not getattr(kind, "Meta", None)
        ):
            member(self, serialized, value, shape, key)
            return
        parent = getattr(shape, "parent", None)
        found = remembered.get((type(picker), kind, key, id(shape), id(parent)))
        # The shape and its parent are kept with their names, so their ids are never reused.
        if found is None or found[2] is not shape or found[3] is not parent:
            context = serialize.AttributePickerContext(
                obj=value,
                key=key,
                shape=shape,
                operation_model=self.operation_model,
                service_model=self.operation_model.service_model,
                key_path=".".join(self.path),
            )
            names = tuple(picker.get_possible_keys(context))
            found = (names, any("." in name for name in names), shape, parent)
            remembered[(type(picker), kind, key, id(shape), id(parent))] = found
        names, dotted = found[0], found[1]
        member_value = None
        if kind is dict and not dotted:
            for name in names:
                member_value = value.get(name, missing)
                if member_value is not missing:
                    break
            else:
                member_value = None
        else:
            for name in names:
                member_value = get_value(value, name, missing)
                if member_value is not missing:
                    break
            else:
                member_value = None
        if member_value is not None:
            self._serialize(serialized, member_value, shape, key)

    setattr(serialize_member, _KEYS_INSTALLED, True)
    serialize_member.__wrapped__ = member  # type: ignore[attr-defined]
    serializer._serialize_structure_member = serialize_member  # type: ignore[method-assign]


def remember_action_names() -> None:
    """moto finds a response class's action methods with ``inspect.getmembers`` on every call
    (about half a millisecond); the methods of a class do not change, so each class's list is
    kept."""
    from moto.core import responses

    names_of = responses.method_names_from_class
    if getattr(names_of, _KEYS_INSTALLED, False):
        return
    known: dict[type, list[str]] = {}

    def method_names(clazz: Any) -> list[str]:
        if clazz not in known:
            known[clazz] = names_of(clazz)
        return known[clazz]

    setattr(method_names, _KEYS_INSTALLED, True)
    responses.method_names_from_class = method_names  # type: ignore[assignment]
