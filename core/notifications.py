"""Web push, what is said and when: the texts (English, German) and which events need a reminder.

Members opt in per device: the app registers the device's FCM token (`register_push_token`), kept
server-only per member (`core.notifications.PushToken`, stored by the functions' backend). Two
notifications exist:

- "Receipt read — 6 items to review", to the member who uploaded the receipt, when its extraction
  produced a proposal (`receipt_read`);
- "Spring Fair in 3 days: still short of butter, eggs …", to every member of the bakery who opted in,
  for each event `REMINDER_DAYS` ahead whose shopping list still has something to buy (`event_reminder`).

Sending is an adapter's job (adapters/push_sender.py); nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from core.bakery import Bakery
from core.planning.event_plan import plan_event
from core.planning.events import Event

LOCALES = ("en", "de")
REMINDER_DAYS = 3
MAX_NAMED = 4  # ingredients named in a reminder; the rest is "and N more"


@dataclass(frozen=True, slots=True)
class PushToken:
    """One device of one member that opted in to web push."""

    uid: str
    token: str
    locale: str = "en"
    created_at: dt.datetime | None = None

    @property
    def id(self) -> str:
        """The stored document's id: the token's hash (tokens are long and may hold any URL-safe character)."""
        return token_id(self.token)


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:40]


def locale_of(value: str | None) -> str:
    """A supported language from a BCP 47 tag ("de-AT" → "de"); English otherwise."""
    base = (value or "").split("-")[0].split("_")[0].lower()
    return base if base in LOCALES else "en"


@dataclass(frozen=True, slots=True)
class Notice:
    """What a device shows: a title, a body, and the app's path a tap opens."""

    title: str
    body: str
    link: str
    tag: str  # notifications with the same tag replace each other on the device


def receipt_read(count: int, proposal_id: str, locale: str = "en") -> Notice:
    """After a receipt's extraction: how many lines wait for review (the proposal's operations)."""
    if locale_of(locale) == "de":
        title = "Kassenbon gelesen"
        body = ("nichts erkannt – bitte von Hand ergänzen" if count == 0
                else "1 Posten zu prüfen" if count == 1 else f"{count} Posten zu prüfen")
    else:
        title = "Receipt read"
        body = ("no items found – add them by hand" if count == 0
                else "1 item to review" if count == 1 else f"{count} items to review")
    return Notice(f"{title} — {body}", body, f"/proposals/{proposal_id}", f"receipt-{proposal_id}")


def event_reminder(event_name: str, event_slug: str, short: list[str], days: int = REMINDER_DAYS,
                   locale: str = "en") -> Notice:
    """"Spring Fair in 3 days: still short of butter, eggs …" (at most MAX_NAMED names, then "and N more")."""
    named, rest = short[:MAX_NAMED], len(short) - MAX_NAMED
    comma = "; " if any("," in name for name in named) else ", "  # "Almonds, sliced; Butter, unsalted"
    if locale_of(locale) == "de":
        when = "morgen" if days == 1 else f"in {days} Tagen"
        items = comma.join(named) + (f" und {rest} weitere" if rest > 0 else "")
        title = f"{event_name} {when}"
        body = f"{title}: es fehlt noch {items}"
    else:
        when = "tomorrow" if days == 1 else f"in {days} days"
        items = comma.join(named) + (f" and {rest} more" if rest > 0 else "")
        title = f"{event_name} {when}"
        body = f"{title}: still short of {items}"
    return Notice(title, body, f"/events/{event_slug}/shopping", f"event-{event_slug}")


def events_on(bakery: Bakery, day: dt.date) -> list[Event]:
    """The bakery's events on that day, by name."""
    return sorted((e for e in bakery.events.values() if e.event_date == day), key=lambda e: (e.name, e.slug))


def still_short(bakery: Bakery, event: Event) -> list[str]:
    """Ingredients the event's shopping list still has to buy, by display name, in the list's order.

    Counted for what remains to be made (`remaining_only`): batches already baked took their ingredients
    from stock already, so they are not needed again.
    """
    plan = plan_event(bakery, event.slug, remaining_only=True)
    return [line.ingredient_name for line in plan.shopping_list if line.to_buy > 0]


def reminders_due(bakery: Bakery, today: dt.date, days: int = REMINDER_DAYS) -> list[tuple[Event, list[str]]]:
    """Each event `days` ahead whose shopping list is not empty, with what is short."""
    found = []
    for event in events_on(bakery, today + dt.timedelta(days=days)):
        short = still_short(bakery, event)
        if short:
            found.append((event, short))
    return found
