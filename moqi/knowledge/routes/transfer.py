"""Import and export of published items as md (zip), csv, xlsx or docx (editors)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import Response

from moqi.errors import Invalid
from moqi.knowledge import services, transfer
from moqi.knowledge.schemas import KindName
from moqi.web.auth import EditorUser, SessionDep

router = APIRouter()
MAX_UPLOAD = 900 * 1024  # below the app's 1 MB body limit, with room for the form around it


@router.get(
    "/export/{kind}",
    summary="Every published item of a kind as md (zip), csv, xlsx or docx (editors)",
)
def export(
    kind: KindName,
    session: SessionDep,
    user: EditorUser,
    format: Literal["md", "csv", "xlsx", "docx"] = "csv",
) -> Response:
    data = transfer.export(kind, format, services.export_rows(session, kind))
    name = f"moqi-{kind}.{'zip' if format == 'md' else format}"
    return Response(
        data,
        media_type=transfer.MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/import/{kind}",
    summary="Publish the new and changed items of a file as one revision; a bad row imports nothing (editors)",
)
async def import_(
    kind: KindName,
    session: SessionDep,
    user: EditorUser,
    file: Annotated[UploadFile, File()],
    format: Literal["md", "csv", "xlsx", "docx"] | None = None,
) -> dict:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"the file is larger than {MAX_UPLOAD // 1024} KB; split it")
    name = file.filename or "upload"
    fmt = format or {"zip": "md"}.get(
        name.rsplit(".", 1)[-1].lower(), name.rsplit(".", 1)[-1].lower()
    )
    if fmt not in transfer.FORMATS:
        raise Invalid(f"cannot tell the format of {name!r}; pass ?format=md|csv|xlsx|docx")
    rows = transfer.parse(kind, fmt, data, name)
    counts = services.import_items(session, kind, rows, author=user.username, note=f"导入 {name}")
    session.commit()
    return {"kind": kind, **counts}
