"""Registries: how a higher app adds to a page or a command of a lower one without being imported.

The layering rule (``core`` < ``knowledge`` < ``partnering`` < ``dashboards`` < ``projects`` <
``stats_backoffice``; checked by import-linter in ``make test``) forbids a lower app to import a
higher one. Where a lower app *shows* something of a higher one — the home page's project widgets,
the account page's projects card, the project page's panels, the demo data — the higher app
registers it here from its ``AppConfig.ready()``, and the lower app's page asks the registry. A new
app adds a panel or a widget without editing the app it decorates.

* ``HOME_WIDGETS`` — cards on the tenant home; ``context(membership)``.
* ``NEXT_ACTIONS`` — rows of the home page's "Your next actions"; ``provider(membership)`` returns
  a list of ``{"title", "detail", "url", "overdue"}``.
* ``ACCOUNT_CARDS`` — cards on a customer account's page; ``context(membership, account)``.
* ``PROJECT_PANELS`` — panels of the project page; ``context(project, membership)``.
* ``DEMO_STEPS`` — what ``seed_demo`` runs per demo tenant and for the benchmark tenant.

A slot's context function returns the variables its template reads (prefixed with the slot's key,
so two slots never collide: a clash is an error), or ``None`` to leave the slot out for this member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    key: str
    item: T
    order: int


class Registry(Generic[T]):
    """Items registered under a unique key, read back in ``order`` (then key)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, Entry[T]] = {}

    def register(self, key: str, item: T, *, order: int = 100) -> None:
        existing = self._entries.get(key)
        if existing is not None and existing.item != item:
            raise ValueError(f"{self.name}: {key!r} is registered twice")
        self._entries[key] = Entry(key=key, item=item, order=order)

    def unregister(self, key: str) -> None:
        """For tests that register a temporary item."""
        self._entries.pop(key, None)

    def keys(self) -> list[str]:
        return [entry.key for entry in self._sorted()]

    def __iter__(self) -> Iterator[T]:
        return (entry.item for entry in self._sorted())

    def _sorted(self) -> list[Entry[T]]:
        return sorted(self._entries.values(), key=lambda entry: (entry.order, entry.key))


@dataclass(frozen=True)
class Slot:
    """A part of a page another app contributes: the template to include and what feeds it."""

    template: str
    context: Callable[..., dict[str, Any] | None]


@dataclass
class Filled:
    """What a page needs from a slot registry: the templates to include, in order, and their variables."""

    templates: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


class SlotRegistry(Registry[Slot]):
    """Slots of one page. ``fill(**kwargs)`` calls every slot's context function with ``kwargs``."""

    def add(self, key: str, *, template: str, context: Callable[..., dict[str, Any] | None], order: int = 100) -> None:
        self.register(key, Slot(template=template, context=context), order=order)

    def fill(self, **kwargs: Any) -> Filled:
        filled = Filled()
        for entry in self._sorted():
            values = entry.item.context(**kwargs)
            if values is None:
                continue
            clash = set(values) & set(filled.context)
            if clash:
                raise ValueError(f"{self.name}: slot {entry.key!r} sets {sorted(clash)} already set by another slot")
            filled.templates.append(entry.item.template)
            filled.context.update(values)
        return filled


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo data: per demo tenant (inside its context) and for the bench tenant."""

    seed_tenant: Callable[..., None]
    seed_bench: Callable[..., dict[str, Any]] | None = None


HOME_WIDGETS = SlotRegistry("home widgets")
NEXT_ACTIONS: Registry[Callable[..., list[dict[str, str]]]] = Registry("next actions")
ACCOUNT_CARDS = SlotRegistry("account cards")
PROJECT_PANELS = SlotRegistry("project panels")
DEMO_STEPS: Registry[DemoStep] = Registry("demo steps")
