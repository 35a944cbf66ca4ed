"""PUT and GET a ledger's documents: the bytes behind a hash on the log.

``PUT /v1/ledgers/{ledger}/documents/{sha256}`` takes the raw bytes, signed in
(``Authorization: Bearer``) with a key that may sign a statement naming that hash;
``ledger.log.documents`` and ``ledger.domain.documents`` decide, this only translates.
``GET`` serves them to anyone, as stored: immutable (the address is the content's
hash), never sniffed, downloaded as an attachment unless an image.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from api.auth import signed_in
from api.caching import IMMUTABLE
from api.contract import PUBLIC_READ, SIGNED_IN_READ, merged, problems
from api.deps import ViewLedger, read_body
from api.limits import public_rate
from ledger.domain import documents as kinds
from ledger.domain import policy
from ledger.log.documents import DocumentStore
from ledger.log.tokens import Caller

router = APIRouter(prefix="/v1/ledgers/{ledger}/documents", tags=["documents"])
Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$", min_length=64, max_length=64,
                             description="the document's SHA-256, as the log names it")]
EXTENSIONS = {kinds.PDF: "pdf", kinds.PNG: "png", kinds.JPEG: "jpg", kinds.TEXT: "txt",
              kinds.CSV: "csv", kinds.JSON: "json"}
UPLOAD_BODY = {"requestBody": {"required": True, "description": (
    f"the document's bytes (at most {policy.document_bytes_max}); its kind is told by "
    "the bytes: PDF, PNG, JPEG, or UTF-8 text (plain, CSV, JSON)"),
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for media in (*kinds.MEDIA_TYPES, "application/octet-stream")}}}
STORED = {"type": "object", "properties": {
    "ledger": {"type": "string"}, "sha256": {"type": "string"},
    "media_type": {"type": "string"}, "size": {"type": "integer"},
    "created": {"type": "boolean"}, "url": {"type": "string"}}}
UPLOAD_RESPONSES = merged(
    SIGNED_IN_READ, problems(413, 415, s415="the bytes are not a kind the store keeps"),
    {200: {"description": "already kept: nothing changed",
           "content": {"application/json": {"schema": STORED}}},
     201: {"description": "kept", "content": {"application/json": {"schema": STORED}}}})
DOWNLOAD_RESPONSES = merged(PUBLIC_READ, {200: {
    "description": "the bytes as stored; check them against the hash on the log",
    "content": {media: {"schema": {"type": "string", "format": "binary"}}
                for media in kinds.MEDIA_TYPES}}})


def document_store(request: Request) -> DocumentStore:
    return request.app.state.documents


Store = Annotated[DocumentStore, Depends(document_store)]


@router.put("/{sha256}", status_code=201, responses=UPLOAD_RESPONSES,
            openapi_extra=UPLOAD_BODY)
async def upload(ledger: ViewLedger, sha256: Sha256, request: Request, store: Store,
                 who: Annotated[Caller, Depends(signed_in("documents"))]) -> JSONResponse:
    """Keep the bytes of a document the log names (by a key that may sign the naming
    type); refused, storing nothing, if they hash to anything else."""
    content = await read_body(request, policy.document_bytes_max)
    declared = request.headers.get("content-type", "")
    kept = store.put(ledger, who.key_id, sha256, content, declared)
    url = f"/v1/ledgers/{ledger}/documents/{sha256}"
    return JSONResponse({"ledger": ledger, "sha256": sha256, "media_type": kept.media_type,
                         "size": kept.size, "created": kept.created, "url": url},
                        status_code=201 if kept.created else 200, headers={"Location": url})


@router.get("/{sha256}", responses=DOWNLOAD_RESPONSES, response_class=Response,
            dependencies=[Depends(public_rate)])
def download(ledger: ViewLedger, sha256: Sha256, store: Store) -> Response:
    """The document's bytes, as stored, for anyone; the hash on the log is what vouches
    for them (the community page re-hashes them in the browser)."""
    kept = store.get(ledger, sha256)
    return Response(kept.content, media_type=None, headers=served_headers(sha256,
                                                                          kept.media_type))


def served_headers(sha256: str, media_type: str) -> dict[str, Any]:
    shown = f"{media_type}; charset=utf-8" if media_type.startswith("text/") \
        or media_type == kinds.JSON else media_type
    disposition = "inline" if media_type in kinds.IMAGES else "attachment"
    name = f"{sha256[:16]}.{EXTENSIONS.get(media_type, 'bin')}"
    return {"Content-Type": shown, "Cache-Control": IMMUTABLE, "ETag": f'"{sha256}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'{disposition}; filename="{name}"',
            "Content-Security-Policy": "default-src 'none'; sandbox"}
