"""Give or take the platform admin's custom claim (`admin: true`): aggregate metrics across bakeries only.

    python scripts/grant_admin.py ada@example.com            # give (by email or uid)
    python scripts/grant_admin.py --revoke ada@example.com   # take it back
    python scripts/grant_admin.py --show ada@example.com     # print the account's custom claims

Runs with firebase-admin against the project in GOOGLE_CLOUD_PROJECT (application default credentials), or
against the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set. The account's other claims (tenant_id,
role) are kept. The claim reaches the account's ID token when it is next refreshed (up to an hour; signing
out and in again is at once).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def with_admin(claims: dict[str, Any] | None, admin: bool) -> dict[str, Any]:
    """The account's claims with `admin` set or removed; every other claim unchanged."""
    kept = {k: v for k, v in (claims or {}).items() if k != "admin"}
    return {**kept, "admin": True} if admin else kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("account", help="the account's email or uid")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--revoke", action="store_true", help="take the admin claim away")
    group.add_argument("--show", action="store_true", help="only print the account's custom claims")
    args = parser.parse_args(argv)

    from firebase_admin import auth

    from functions.shared.auth import firebase_app

    app = firebase_app()
    try:
        user = auth.get_user_by_email(args.account, app=app) if "@" in args.account else \
            auth.get_user(args.account, app=app)
    except auth.UserNotFoundError:
        print(f"grant_admin: no account {args.account!r}", file=sys.stderr)
        return 2
    if args.show:
        print(json.dumps(user.custom_claims or {}, sort_keys=True))
        return 0
    claims = with_admin(user.custom_claims, not args.revoke)
    auth.set_custom_user_claims(user.uid, claims or None, app=app)
    print(f"{user.uid}: {json.dumps(claims, sort_keys=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
