"""Files the CLI reads from the user, read as strictly as the API reads a request body.

A file is read up to a cap (at most cap + 1 bytes are ever read, so /dev/zero or
a huge file ends in one red line, not a MemoryError); JSON and YAML documents
refuse duplicate keys (the API refuses them too: last-wins would sign something
the author did not see) and JSON nesting deeper than the canonical JSON limit;
YAML refuses anchors and aliases (an alias bomb expands a few hundred bytes into
gigabytes). Documents hashed for the log (receipts, contracts, minutes) are
streamed through SHA-256, also under a cap.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from ledger.errors import FormatError
from ledger.format import cjson

# An entry or catalogue file becomes one statement, which the API takes up to 64 KiB.
DOCUMENT_FILE_BYTES_MAX = 64 * 1024
KEY_FILE_BYTES_MAX = 16 * 1024          # a key or a signed note is a few hundred bytes
HASHED_FILE_BYTES_MAX = 1 << 30         # a scanned contract or receipt; only its hash is kept
_HASH_BLOCK_BYTES = 1 << 20


def read_capped(path: Path, limit_bytes: int, what: str = "file") -> bytes:
    """The file's bytes, refused if it holds more than ``limit_bytes`` (read no further)."""
    with Path(path).expanduser().open("rb") as handle:
        data = handle.read(limit_bytes + 1)
    if len(data) > limit_bytes:
        raise FormatError(f"{what} {path} is larger than {limit_bytes} bytes; refused",
                          limit_bytes=limit_bytes)
    return data


def read_text_capped(path: Path, limit_bytes: int, what: str = "file") -> str:
    data = read_capped(path, limit_bytes, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{what} {path} is not UTF-8 text") from None


def sha256_of_file(path: Path, limit_bytes: int = HASHED_FILE_BYTES_MAX) -> str:
    """The SHA-256 of a document, streamed; refused past ``limit_bytes``, or if it is not
    a regular file (a device or a pipe has no fixed content to sign)."""
    digest, total = hashlib.sha256(), 0
    with Path(path).expanduser().open("rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise FormatError(f"{path} is not a regular file; only a document's bytes are hashed")
        while block := handle.read(_HASH_BLOCK_BYTES):
            total += len(block)
            if total > limit_bytes:
                raise FormatError(f"{path} is larger than {limit_bytes} bytes; refused",
                                  limit_bytes=limit_bytes)
            digest.update(block)
    return digest.hexdigest()


def load_json_document(path: Path, limit_bytes: int = DOCUMENT_FILE_BYTES_MAX) -> Any:
    """A JSON file: no duplicate keys, no nesting past the canonical limit."""
    text = read_text_capped(path, limit_bytes)
    try:
        document = json.loads(text, object_pairs_hook=cjson.unique_keys)
    except (ValueError, FormatError) as exc:
        raise FormatError(f"{path} is not valid JSON: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise FormatError(f"{path} is nested too deeply") from None
    _check_depth(document, path)
    return document


def load_yaml_document(path: Path, limit_bytes: int = DOCUMENT_FILE_BYTES_MAX) -> Any:
    """A YAML file: plain data only (no anchors or aliases), no duplicate keys."""
    text = read_text_capped(path, limit_bytes)
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506  (a SafeLoader)
    except RecursionError:
        raise FormatError(f"{path} is nested too deeply") from None
    except yaml.YAMLError as exc:
        raise FormatError(f"{path} is not valid YAML: {' '.join(str(exc).split())}") from None
    _check_depth(document, path)
    return document


def load_document(path: Path, limit_bytes: int = DOCUMENT_FILE_BYTES_MAX) -> Any:
    """JSON if the name ends in .json, YAML otherwise."""
    if Path(path).suffix == ".json":
        return load_json_document(path, limit_bytes)
    return load_yaml_document(path, limit_bytes)


def _check_depth(value: Any, path: Path, depth: int = 0) -> None:
    if depth > cjson.DEPTH_MAX:
        raise FormatError(f"{path} is nested deeper than {cjson.DEPTH_MAX} levels")
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) \
        else ()
    for child in children:
        _check_depth(child, path, depth + 1)


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors, aliases and duplicate keys."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ConstructorError(None, None, "anchors and aliases (&, *) are not allowed",
                                   event.start_mark)
        if self.depth >= cjson.DEPTH_MAX:  # refused here, before a deep recursion starts
            raise ConstructorError(None, None, f"nested deeper than {cjson.DEPTH_MAX} levels",
                                   event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    raise ConstructorError(None, None, "a mapping key must be plain text",
                                           key_node.start_mark) from None
                if duplicate:
                    raise ConstructorError(None, None, f"duplicate key {key!r}",
                                           key_node.start_mark)
        return super().construct_mapping(node, deep=deep)
