"""Limits that keep password hashing from starving the site, and guessing from locking owners out.

Every limit is a row of `sign_in_counters` (a key, a count in a window, a lock), so it holds
across gunicorn workers and hosts. Keys:

- `pair:<login>|<address>`: failed sign-ins of one account from one address; a lock that doubles
  after a few failures. A stranger guessing from elsewhere never locks the owner out here.
- `account:<login>`: failed sign-ins of one account from every address; a slower, larger limit
  that bounds guessing from many addresses (and, past it, locks the owner too: the README's
  trade-off).
- `address:<address>`: failed sign-ins from one address; generous, for a school behind one address.
- `signup:<address>`: accounts made from one address.
- `hashes:<host>:<n>`: the host's slots for password hashes in progress, shared by all its
  workers. Each hash costs ~0.3 s of a core and 128 MiB; with one slot, hashing never takes
  more than one core, whatever the attack, and the rest is left to everyone else's pages. A
  slot is a lease (`locked_until`), given back when the attempt is recorded and expiring by
  itself if a worker dies mid-hash. A cap on hashes in progress, not a rate, because a loaded
  machine hashes slower: a rate would then ask for more cores than there are. It lives in the
  database because every worker of the host sees it (a file lock would do for one host, but
  the database is already shared, holds under PostgreSQL too, and is what the tests see);
  the key names the host, so each host spends its own CPU.

Checks happen before any hash: a refusal costs one short write, never a hash. Callers commit
after a gate, so the taken slot is seen by every worker before the hash begins and no lock is
held while it runs, and pass the gate to `release` in the transaction that records the outcome.
"""

import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from quizapp.auth.models import SignInCounter
from quizapp.extensions import db

HOST = socket.gethostname()[:200]


@dataclass(frozen=True)
class Gate:
    """The answer to "may this attempt hash a password now?": a slot, or how long to wait."""

    retry_after: int = 0  # seconds; > 0 when refused
    slot: str | None = None  # the hash slot taken, to give back with `release`
    busy: bool = False  # refused because every hash slot is taken (not a lock)

    @property
    def refused(self) -> bool:
        return self.retry_after > 0


def _counter(key: str, now: datetime, window: timedelta) -> SignInCounter:
    """The counter row for key, locked for this transaction (created when missing), its window
    restarted when it is over and no lock holds.

    An insert that ignores a conflict, then a locking select: two workers seeing the same
    new key at once neither fail nor lose a count.
    """
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    db.session.execute(
        insert(SignInCounter)
        .values(key=key, failures=0, window_start=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    counter = db.session.scalars(
        sa.select(SignInCounter)
        .where(SignInCounter.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if now - counter.window_start >= window and (counter.locked_until is None or counter.locked_until <= now):
        counter.failures, counter.window_start, counter.locked_until = 0, now, None
    return counter


def seconds_until(moment: datetime | None, now: datetime) -> int:
    if moment is None or moment <= now:
        return 0
    return max(1, int((moment - now).total_seconds() + 0.999))


def _sign_in_counters(login: str, address: str, now: datetime) -> list[SignInCounter]:
    window = current_app.config["THROTTLE_WINDOW"]
    keys = (f"pair:{login}|{address}", f"account:{login}", f"address:{address}")
    return [_counter(key[:300], now, window) for key in keys]


def _take_hash_slot(now: datetime) -> Gate:
    """A free slot of this host's hash budget, leased until given back (or until the lease ends)."""
    config = current_app.config
    for number in range(config["HASH_SLOTS"]):
        slot = _counter(f"hashes:{HOST}:{number}", now, config["THROTTLE_WINDOW"])
        if slot.locked_until is None or slot.locked_until <= now:
            slot.failures += 1  # hashes begun in this slot's window, for the curious
            slot.locked_until = now + config["HASH_LEASE"]
            return Gate(slot=slot.key)
    return Gate(retry_after=1, busy=True)  # a hash takes well under a second: try again then


def release(gate: Gate, now: datetime) -> None:
    """Give a gate's hash slot back, once the hash is done. Call it after any other counter of the
    transaction: the gates lock counters before slots, and the same order everywhere means two
    workers never wait for each other's rows (PostgreSQL would abort one as a deadlock)."""
    if gate.slot is not None:
        slot = _counter(gate.slot, now, current_app.config["THROTTLE_WINDOW"])
        slot.locked_until = None


def sign_in_gate(login: str, address: str, now: datetime) -> Gate:
    """May this sign-in (or code redemption) go on to hash? Locks first, then the budget."""
    wait = max(seconds_until(c.locked_until, now) for c in _sign_in_counters(login, address, now))
    return Gate(retry_after=wait) if wait else _take_hash_slot(now)


def sign_up_gate(address: str, now: datetime) -> Gate:
    """May this address make another account now (and hash its password)?"""
    config = current_app.config
    made = _counter(f"signup:{address}"[:300], now, config["THROTTLE_WINDOW"])
    if made.failures >= config["THROTTLE_SIGNUP_LIMIT"]:
        return Gate(retry_after=seconds_until(made.window_start + config["THROTTLE_WINDOW"], now))
    gate = _take_hash_slot(now)
    if not gate.refused:
        made.failures += 1
    return gate


def hash_gate(now: datetime) -> Gate:
    """May a signed-in person's action (a password change) hash now?"""
    return _take_hash_slot(now)


def record_sign_in(login: str, address: str, succeeded: bool, now: datetime) -> None:
    """Count a failure against the pair, the account and the address; a success clears the pair."""
    config = current_app.config
    pair, account, place = _sign_in_counters(login, address, now)
    if succeeded:
        pair.failures, pair.locked_until = 0, None
        return
    for counter in (pair, account, place):
        counter.failures += 1
    extra = pair.failures - config["THROTTLE_PAIR_FREE_FAILURES"]
    if extra >= 0:
        lock = min(config["THROTTLE_PAIR_BASE_LOCK"] * (2**extra), config["THROTTLE_PAIR_MAX_LOCK"])
        pair.locked_until = now + lock
    if account.failures >= config["THROTTLE_ACCOUNT_LIMIT"]:
        account.locked_until = account.window_start + config["THROTTLE_WINDOW"]
    if place.failures >= config["THROTTLE_ADDRESS_LIMIT"]:
        place.locked_until = place.window_start + config["THROTTLE_WINDOW"]
