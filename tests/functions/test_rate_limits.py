"""Guessing invitation codes: every try at join_tenant counts, per account and per address; past the limit a 429
with Retry-After, and the right code is refused too until the window ends (nothing joins, nothing is written)."""

from __future__ import annotations

from typing import Any

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from core.limits import JOIN_BY_ACCOUNT, JOIN_BY_ADDRESS
from functions import main
from functions.shared.memory_backend import MemoryBackend
from tests.functions.conftest import call, unsigned_token


def _join(uid: str, code: str, address: str = "203.0.113.7") -> tuple[int, dict[str, Any], dict[str, str]]:
    import json

    request = Request(EnvironBuilder(method="POST", json={"code": code}, headers={
        "Authorization": f"Bearer {unsigned_token({'uid': uid})}", "X-Forwarded-For": f"{address}, 10.0.0.1",
    }).get_environ())
    text, status, headers = main.join_tenant(request)
    return status, json.loads(text), headers


def test_an_account_guessing_codes_is_stopped_and_told_when_to_try_again(backend: MemoryBackend) -> None:
    owner = {"uid": "olga", "tenant_id": call(main.create_tenant, {"name": "Guarded"}, claims={"uid": "olga"})[1]
             ["tenant_id"], "role": "owner"}
    code = call(main.invite_member, {"role": "baker"}, claims=owner)[1]["code"]
    guesses = [_join("mallory", f"WRONG{n:03d}") for n in range(JOIN_BY_ACCOUNT.allowed)]
    assert {status for status, _, _ in guesses} == {404}
    status, body, headers = _join("mallory", code)  # even the right code: the account has had its tries
    assert (status, body["error"]["code"], body["error"]["field"]) == (429, "rate_limited", "code")
    assert 0 < int(headers["Retry-After"]) <= JOIN_BY_ACCOUNT.window_s and "try again in" in body["error"]["message"]
    assert backend.member(owner["tenant_id"], "mallory") is None
    assert _join("bob", code)[0] == 200  # another account (same address, under its limit) is not held up


def test_many_accounts_from_one_address_are_stopped_too(backend: MemoryBackend) -> None:
    answers = [_join(f"sock-{n}", "NOPE0000", address="198.51.100.9")[0] for n in range(JOIN_BY_ADDRESS.allowed + 1)]
    assert answers[:-1] == [404] * JOIN_BY_ADDRESS.allowed and answers[-1] == 429
    assert _join("someone-else", "NOPE0000", address="198.51.100.10")[0] == 404  # another address is not


def test_tries_past_the_limit_write_nothing_so_the_counter_never_becomes_hot(backend: MemoryBackend) -> None:
    for n in range(JOIN_BY_ACCOUNT.allowed):
        assert _join("hammer", f"WRONG{n:03d}")[0] == 404
    counted = dict(backend.tries)
    assert sorted(counted.values()) == [JOIN_BY_ACCOUNT.allowed, JOIN_BY_ACCOUNT.allowed]  # account and address
    assert {_join("hammer", f"MORE{n:04d}")[0] for n in range(25)} == {429}
    assert backend.tries == counted  # refused tries only read the counters
