"""Which of the demo's own handlers answers a REST-JSON call moto cannot serve (see ``rest``)."""

from __future__ import annotations

from amiexplorer.demo.rest import Handler, unknown_operation


def handler_for(service: str, operation: str) -> Handler | None:
    """The demo's own handler for ``operation`` of ``service``, or None to let moto answer."""
    if service == "dlm":
        from amiexplorer.demo import dlm_api

        return dlm_api.HANDLERS.get(operation, unknown_operation)
    if service == "backup":
        from amiexplorer.demo import backup_api

        return backup_api.HANDLERS.get(operation)
    if service == "rbin":
        from amiexplorer.demo import rbin_api

        return rbin_api.HANDLERS.get(operation, unknown_operation)
    if service == "imagebuilder":
        from amiexplorer.demo import image_builder_api

        return image_builder_api.HANDLERS.get(operation, unknown_operation)
    if service == "ebs":
        from amiexplorer.demo import ebs_api

        # Only the block listings: moto answers the rest (StartSnapshot, PutSnapshotBlock...).
        return ebs_api.HANDLERS.get(operation)
    return None
