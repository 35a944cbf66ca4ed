"""A ledger's state as bytes and back, for snapshots (ledger.log.snapshots).

Why not pickle: a snapshot is read back from the database, and the database is
exactly what the tamper suite assumes someone may edit; unpickling it would run
whatever it names. This codec writes plain JSON with a few tags and reads back
only the record classes listed here, with their exact fields, so the worst a
forged snapshot can do is fail to decode (and then the log is replayed).

``FINGERPRINT`` names the layout of every class kept: a snapshot written by a
build whose state has other fields is not read back. Bump ``STATE_VERSION``
whenever an ``apply`` function changes what it derives from an entry, so that
no snapshot taken under the old rules is trusted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import fields, is_dataclass
from typing import Any

from ledger.domain import records
from ledger.domain.documents import NamedDocument
from ledger.domain import contract_records
from ledger.domain.seq_maps import SeqToLabel, SeqToSeq
from ledger.domain.state import (BANK_BOOK_MAPS, MAP_FIELDS, SCALAR_FIELDS, Account, Fund,
                                 KeyRecord, LedgerState)
from ledger.format.keys import PublicKey
from ledger.format.merkle import CompactRange

STATE_VERSION = 6  # 3: periods, bank statements, findings, documents, confidential
# reports, contracts; 4: matters (四议两公开 in full), a resolution's proposal; 5: the
# bank reconciliation's money lines and confirmation dates in dense seq maps; 6: and
# no longer in a snapshot (the write side's states keep no bank book)
RECORD_CLASSES = {cls.__name__: cls for cls in (
    KeyRecord, Fund, Account, records.Policy, records.PendingEntry, records.Flow,
    records.Project, records.Resolution, records.Matter, records.Asset, records.Bid,
    records.Trade,
    records.Catalogue, records.Disclosure, records.Question, records.Interest,
    records.ConfidentialReport, records.Finding, NamedDocument, records.Period,
    records.BankStatement,
    contract_records.ScheduleLine, contract_records.Contract, contract_records.ContractPayment)}
SEQ_MAP_CLASSES = {cls.__name__: cls for cls in (SeqToLabel, SeqToSeq)}
KEPT_SCALARS = tuple(name for name in SCALAR_FIELDS
                     if name not in ("frontier", "log_keys", "keeps_bank_book"))
KEPT_MAPS = tuple(name for name in MAP_FIELDS
                  if name != "batch_entries" and name not in BANK_BOOK_MAPS)


def _layout() -> str:
    classes = [LedgerState, *RECORD_CLASSES.values()]
    return json.dumps([STATE_VERSION] + [[cls.__name__, [f.name for f in fields(cls)]]
                                         for cls in classes])


FINGERPRINT = hashlib.sha256(_layout().encode()).hexdigest()[:16]


class UnusableState(ValueError):
    """The bytes are not a state this build wrote."""


def encode_state(state: LedgerState) -> bytes:
    """The state (without an unsaved batch) as compressed JSON."""
    assert not state.batch_entries, "a snapshot holds stored entries only"
    if state.keeps_bank_book:
        raise ValueError("a snapshot is of a write side's state, which keeps no bank book")
    document = {name: getattr(state, name) for name in KEPT_SCALARS}
    document["slug"] = state.slug
    document["log_keys"] = [[size, key] for size, key in state.log_keys]
    document["frontier"] = [state.frontier.size,
                            [node.hex() for node in state.frontier.nodes()]]
    document["maps"] = {name: _encode_map(getattr(state, name)) for name in KEPT_MAPS}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 1)


def decode_state(data: bytes) -> LedgerState:
    """The state ``encode_state`` wrote; UnusableState for anything else."""
    try:
        document = json.loads(zlib.decompress(data).decode("utf-8"))
        state = LedgerState(_text(document["slug"]), keeps_bank_book=False)
        for name in KEPT_SCALARS:
            setattr(state, name, _scalar(document[name], type(getattr(state, name))))
        state.log_keys = [(_integer(size), _text(key)) for size, key in document["log_keys"]]
        size, nodes = document["frontier"]
        state.frontier = CompactRange.from_nodes(_integer(size), [bytes.fromhex(_text(node))
                                                                  for node in nodes])
        maps = document["maps"]
        if set(maps) != set(KEPT_MAPS):
            raise UnusableState("the snapshot keeps other maps than this build's state")
        for name in KEPT_MAPS:
            setattr(state, name, _decode_map(maps[name], type(getattr(state, name))))
        return state
    except UnusableState:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever is wrong, the state is unusable
        raise UnusableState(f"not a ledger state: {type(exc).__name__}: {exc}") from None


def _encode_map(mapping: Any) -> Any:
    if SEQ_MAP_CLASSES.get(type(mapping).__name__) is type(mapping):
        # Its parts: lists as they are, the array's bytes in base64.
        parts = {name: base64.b64encode(part).decode("ascii") if isinstance(part, bytes)
                 else part for name, part in mapping.to_parts().items()}
        return {"seq": type(mapping).__name__, **parts}
    return [[_encode(key), _encode(value)] for key, value in mapping.items()]


_BYTES_PARTS = ("slots",)  # the array's bytes


def _decode_map(encoded: Any, expected: type) -> Any:
    if expected is dict:
        if not isinstance(encoded, list):
            raise UnusableState("a map is kept as a list of pairs")
        return {_decode(key): _decode(value) for key, value in encoded}
    if not isinstance(encoded, dict) or encoded.get("seq") != expected.__name__:
        raise UnusableState(f"expected a {expected.__name__}")
    return expected.from_parts({name: base64.b64decode(part, validate=True)
                                if name in _BYTES_PARTS else part
                                for name, part in encoded.items() if name != "seq"})


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, tuple):
        return {"t": [_encode(item) for item in value]}
    if isinstance(value, frozenset):
        return {"f": sorted(_encode(item) for item in value)}
    if isinstance(value, PublicKey):
        return {"k": value.b64}
    if is_dataclass(value) and RECORD_CLASSES.get(type(value).__name__) is type(value):
        return {"d": type(value).__name__,
                "v": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"a snapshot cannot keep a {type(value).__name__}; add it to state_codec")


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if not isinstance(value, dict) or len(value) not in (1, 2):
        raise UnusableState(f"unexpected value {value!r:.80}")
    if "t" in value:
        return tuple(_decode(item) for item in value["t"])
    if "f" in value:
        return frozenset(_decode(item) for item in value["f"])
    if "k" in value:
        return PublicKey.from_b64(_text(value["k"]))
    cls = RECORD_CLASSES.get(value.get("d"))
    if cls is None or not isinstance(value.get("v"), dict) \
            or set(value["v"]) != {f.name for f in fields(cls)}:
        raise UnusableState(f"unexpected record {value.get('d')!r:.80}")
    return cls(**{name: _decode(item) for name, item in value["v"].items()})


def _scalar(value: Any, expected: type) -> Any:
    if type(value) is not expected:
        raise UnusableState(f"expected a {expected.__name__}, found {value!r:.80}")
    return value


def _integer(value: Any) -> int:
    return _scalar(value, int)


def _text(value: Any) -> str:
    return _scalar(value, str)
