"""`baketracker`: plan events, print shopping lists, validate and convert desktop files.

Errors go to stderr with exit status 1 and say what to fix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.bakery import Bakery
from core.errors import BakeTrackerError


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def read_json(path: str) -> dict[str, Any]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CliError(f"{path}: no such file") from exc
    except OSError as exc:
        raise CliError(f"{path}: cannot read it ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a JSON object at the top, found {type(data).__name__}")
    return data


def load_bakery(path: str) -> Bakery:
    from core.desktop_format.desktop_import import import_desktop

    result = import_desktop(read_json(path))
    if not result.ok:
        raise CliError(f"{path}: cannot be imported:\n" + _problem_lines(result.problems))
    return result.bakery


def _problem_lines(problems: Sequence[object]) -> str:
    return "\n".join(f"  - {problem}" for problem in problems)


def _find_event_slug(bakery: Bakery, name: str) -> str:
    event = bakery.find_event(name)
    if event is None:
        known = ", ".join(sorted(f'"{e.name}"' for e in bakery.events.values())) or "none"
        raise CliError(f'no event named "{name}" (events in this file: {known})')
    return event.slug


def _remote(args: argparse.Namespace, operation: str, body: dict[str, Any] | None,
            method: str = "POST") -> dict[str, Any]:
    from cli.remote import RemoteError, call_operation

    try:
        return call_operation(args.api, operation, body, method=method)
    except RemoteError as exc:
        raise CliError(str(exc)) from exc


def cmd_plan(args: argparse.Namespace) -> int:
    from core.planning.event_plan import plan_event
    from core.planning.plan_report import plan_to_json, render_plan_text

    if args.api:
        answer = _remote(args, "plan_event", {"event": args.event})
        print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json else _plan_text_from_json(answer))
        return 0
    bakery = load_bakery(args.data)
    plan = plan_event(bakery, _find_event_slug(bakery, args.event))
    if args.json:
        print(json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False))
    else:
        print(render_plan_text(plan))
    return 0


def _plan_text_from_json(plan: dict[str, Any]) -> str:
    rows = [f"Plan for {plan['event']}", ""]
    rows += [f"  {r['recipe']:<40} {r['batches']:>4} batches" for r in plan["recipes"]]
    rows += ["", *(f"  {i['ingredient']:<40} {i['quantity']:>10} {i['unit']}" for i in plan["ingredients"])]
    return "\n".join(rows)


def cmd_shopping_list(args: argparse.Namespace) -> int:
    from core.planning.event_plan import plan_event
    from core.planning.plan_report import render_shopping_list_text

    if args.api:
        print(_remote(args, "shopping_list", {"event": args.event})["text"])
        return 0
    bakery = load_bakery(args.data)
    plan = plan_event(bakery, _find_event_slug(bakery, args.event))
    print(render_shopping_list_text(plan))
    return 0


def _by(text: str) -> tuple[str, Any, str]:
    """INGREDIENT=AMOUNT ("butter=3lb", "Flour, all-purpose=1.5 kg") as ingredient, amount, unit."""
    import re

    from core.measures.quantities import to_quantity

    ingredient, sep, amount = text.rpartition("=")
    found = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(\S.*?)\s*", amount)
    if not sep or not ingredient.strip() or found is None:
        raise CliError(f"--by {text!r}: write INGREDIENT=AMOUNT with a unit, e.g. --by butter=3lb")
    return ingredient.strip(), to_quantity(found.group(1)), found.group(2)


def cmd_scale(args: argparse.Namespace) -> int:
    from core.measures.units import unit_code
    from core.recipes.scale_report import render_scale_text, scale_recipe_json

    ingredient, amount, unit = _by(args.by)
    if args.api:
        answer = _remote(args, "scale_recipe", {"recipe": args.recipe, "ingredient": ingredient,
                                                "amount": str(amount), "unit": unit})
    else:
        answer = scale_recipe_json(load_bakery(args.data), args.recipe, ingredient, amount,
                                   unit_code(unit, where="unit"))
    print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json else render_scale_text(answer))
    return 0


def cmd_can_make(args: argparse.Namespace) -> int:
    from core.planning.can_make import can_make, can_make_json, render_can_make_text

    if args.api:
        answer = _remote(args, "can_make", {"event": args.event})
    else:
        bakery = load_bakery(args.data)
        answer = can_make_json(can_make(bakery, _find_event_slug(bakery, args.event)))
    print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json else render_can_make_text(answer))
    return 0


def cmd_cost(args: argparse.Namespace) -> int:
    from core.planning.costing import event_cost, event_cost_json, render_event_cost_text

    if args.api:
        answer = _remote(args, "event_cost", {"event": args.event})
    else:
        bakery = load_bakery(args.data)
        answer = event_cost_json(event_cost(bakery, _find_event_slug(bakery, args.event)), args.currency)
    print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json else render_event_cost_text(answer))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from core.desktop_format.desktop_export import export_desktop

    if args.api:
        _write_json(args.out, _remote(args, "export_desktop", None, method="GET"))
        print(f"wrote {args.out}", file=sys.stderr)
        return 0
    bakery = load_bakery(args.data)
    _write_json(args.out, export_desktop(bakery))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from core.desktop_format.files import validate_file

    problems = validate_file(read_json(args.file))
    if problems:
        print(f"{args.file}: {len(problems)} problem(s):\n" + _problem_lines(problems), file=sys.stderr)
        return 1
    print(f"{args.file}: valid")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from core.desktop_format.desktop_export import export_desktop
    from core.desktop_format.files import import_file_into

    if args.api:
        answer = _remote(args, "import_desktop", {"data": read_json(args.file), "dry_run": args.dry_run})
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return 0
    base = load_bakery(args.data) if args.data else Bakery()
    result = import_file_into(base, read_json(args.file))
    if not result.ok:
        raise CliError(f"{args.file}: nothing imported:\n" + _problem_lines(result.problems))
    print(result.summary())
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    if not args.out:
        raise CliError("--out is required unless --dry-run is given")
    _write_json(args.out, export_desktop(result.bakery))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """The signed-in bakery's full backup (every record; photos' bytes with --photos) into a file."""
    body: dict[str, Any] = {"include_photos": args.photos}
    if args.max_photo_mib is not None:
        body["max_photo_bytes"] = int(args.max_photo_mib * 1024 * 1024)
    backup = _remote(args, "export_bakery", body)
    _write_json(args.out, backup)
    counted = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in backup.get("counts", {}).items() if n)
    print(f"wrote {args.out}: {counted or 'an empty bakery'}", file=sys.stderr)
    return 0


RESTORE_PART_BYTES = 8 * 1024 * 1024  # one request stays under the functions' 10 MiB body limit


def cmd_restore(args: argparse.Namespace) -> int:
    """A backup file restored into the signed-in bakery (a new, empty one); sent in parts when it is big."""
    import hashlib

    text = json.dumps(read_json(args.file), ensure_ascii=False)
    whole = text.encode()
    if len(whole) <= RESTORE_PART_BYTES:
        answer = _remote(args, "restore_bakery", {"backup": json.loads(text)})
    else:
        digest = hashlib.sha256(whole).hexdigest()
        parts = _text_parts(text, RESTORE_PART_BYTES)
        for index, part in enumerate(parts):
            answer = _remote(args, "restore_bakery", {"part": {"index": index, "count": len(parts),
                                                               "sha256": digest, "text": part}})
    print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 0


def _text_parts(text: str, most_bytes: int) -> list[str]:
    """`text` cut into pieces of at most `most_bytes` UTF-8 bytes each, never inside a character."""
    parts, start = [], 0
    while start < len(text):
        end = min(len(text), start + most_bytes)
        while len(text[start:end].encode()) > most_bytes:
            end -= max(1, (len(text[start:end].encode()) - most_bytes) // 4)
        parts.append(text[start:end])
        start = end
    return parts


def cmd_propose(args: argparse.Namespace) -> int:
    """What an utterance or a photo proposes, without saving anything."""
    import datetime as dt

    from adapters import extractors
    from core.proposals.drafting import draft_operations

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    notes: list[str] = []
    if args.text is not None:
        if not args.text.strip():
            raise CliError("--text is empty: say what was bought, how full something is, or an event")
        parsed, model, notes = extractors.read_text(args.text, today)
    else:
        parsed, model, notes = _read_image(args, today)
    catalog = load_bakery(args.data) if args.data else None
    operations, unresolved = draft_operations(parsed, catalog)
    answer = {"operations": [{"op": op.op, "args": op.args} for op in operations],
              "unresolved": [*notes, *unresolved], "flags": [list(op.flags) for op in operations],
              "confidence": [op.confidence for op in operations], "model": model}
    if args.json:
        print(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        for op in operations:
            shown = ", ".join(f"{k}={v}" for k, v in op.args.items() if v is not None and k != "alternatives")
            print(f"{op.op}: {shown}")
            for flag in op.flags:
                print(f"  check: {flag}")
        for note in answer["unresolved"]:
            print(f"note: {note}")
        if not operations:
            print("nothing to propose")
    return 0


def _read_image(args: argparse.Namespace, today: Any) -> tuple[Any, str, list[str]]:
    from adapters import extractors

    path = Path(args.image)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{args.image}: cannot read it ({exc.strerror})") from exc
    from functions.photos import sniff_type

    mime = sniff_type(data)
    if mime is None:
        raise CliError(f"{args.image}: not a JPEG, PNG or WebP image")
    try:
        if args.kind in ("receipt", "auto"):
            parsed, model, notes = extractors.read_receipt(data, mime, today)
            if parsed.operations or args.kind == "receipt":
                return parsed, model, notes
        return extractors.read_inventory_photo(data, mime, args.item or "")
    except ValueError as exc:  # the readers' image errors
        raise CliError(f"{args.image}: {exc}") from exc


def _write_json(path: str, data: dict[str, Any]) -> None:
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{path}: cannot write it ({exc.strerror})") from exc


def _reading(sub: Any, name: str, help: str, run: Any, *, event: bool = True, json_out: bool = True
             ) -> argparse.ArgumentParser:
    """A command that reads a bakery (a desktop export or a running stack), for an event, printing text or JSON."""
    command: argparse.ArgumentParser = sub.add_parser(name, help=help)
    command.add_argument("--data", help="a desktop export (JSON)")
    command.add_argument("--api", help="act on a running stack instead (e.g. http://127.0.0.1:5000)")
    if event:
        command.add_argument("--event", required=True, help="event name (or slug)")
    if json_out:
        command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=run)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baketracker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    _reading(sub, "plan", "batches, ingredients and shopping list for an event", cmd_plan)

    _reading(sub, "shopping-list", "printable shopping list grouped by supplier", cmd_shopping_list, json_out=False)

    scale = _reading(sub, "scale", "a recipe scaled by one ingredient on hand, with baker's percentages", cmd_scale,
                     event=False)
    scale.add_argument("--recipe", required=True, help="recipe name (or slug)")
    scale.add_argument("--by", required=True, metavar="INGREDIENT=AMOUNT",
                       help="what you have, e.g. butter=3lb or 'Flour, all-purpose=1.5 kg'")

    _reading(sub, "can-make", "what the stock on hand makes for an event, and what to buy for the rest", cmd_can_make)

    cost = _reading(sub, "cost", "what an event costs: per batch, finished unit and good; planned vs actual", cmd_cost)
    cost.add_argument("--currency", default="USD", help="ISO 4217 code for the text (default USD)")

    export = sub.add_parser("export", help="import a desktop file, export it again (round trip)")
    export.add_argument("--data", help="a desktop export (JSON)")
    export.add_argument("--api", help="export the signed-in bakery from a running stack instead")
    export.add_argument("--out", required=True, help="where to write the export")
    export.set_defaults(run=cmd_export)

    validate = sub.add_parser("validate", help="check a desktop or mobile file; list every problem")
    validate.add_argument("file")
    validate.set_defaults(run=cmd_validate)

    imp = sub.add_parser("import", help="merge a desktop or mobile file into a data file")
    imp.add_argument("file", help="the file to import (desktop export or mobile purchases/inventory)")
    imp.add_argument("--data", help="the bakery to import into (a desktop export); empty if omitted")
    imp.add_argument("--out", help="where to write the merged bakery")
    imp.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    imp.add_argument("--api", help="import into the signed-in bakery on a running stack instead")
    imp.set_defaults(run=cmd_import)

    backup = sub.add_parser("backup", help="the signed-in bakery's full backup (docs/backup.md) into a file")
    backup.add_argument("--api", required=True, help="the running stack (e.g. http://127.0.0.1:5000)")
    backup.add_argument("--out", required=True, help="where to write the backup (JSON)")
    backup.add_argument("--photos", action="store_true", help="carry the photos' bytes too (base64)")
    backup.add_argument("--max-photo-mib", type=float, help="at most this many MiB of photos (default 5, max 8)")
    backup.set_defaults(run=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into the signed-in bakery (a new, empty one)")
    restore.add_argument("--file", required=True, help="a backup written by `baketracker backup`")
    restore.add_argument("--api", required=True, help="the running stack (e.g. http://127.0.0.1:5000)")
    restore.set_defaults(run=cmd_restore)

    propose = sub.add_parser("propose", help="what a spoken sentence or a photo proposes (nothing is saved)")
    given = propose.add_mutually_exclusive_group(required=True)
    given.add_argument("--text", help='e.g. "I bought two pounds of flour at Costco for $8"')
    given.add_argument("--image", help="a receipt photo or a photo of a container (JPEG, PNG, WebP)")
    propose.add_argument("--kind", choices=["auto", "receipt", "inventory"], default="auto",
                         help="what the image is (auto: a receipt if any line can be read)")
    propose.add_argument("--item", help="for an inventory photo: what is in it")
    propose.add_argument("--data", help="a desktop export whose catalog names are resolved against")
    propose.add_argument("--today", help="the date 'yesterday' and 'Friday' count from (YYYY-MM-DD)")
    propose.add_argument("--json", action="store_true", help="print one JSON object")
    propose.set_defaults(run=cmd_propose)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("plan", "shopping-list", "export", "scale", "can-make", "cost") \
            and not (args.data or args.api):
        parser.error(f"{args.command} needs --data FILE or --api URL")
    try:
        code: int = args.run(args)
    except CliError as exc:
        print(f"baketracker: {exc}", file=sys.stderr)
        return 1
    except BakeTrackerError as exc:
        where = f" (field: {exc.field})" if exc.field else ""
        print(f"baketracker: {exc.message}{where}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
