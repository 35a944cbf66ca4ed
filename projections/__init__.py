"""Read models that follow the log (ARCHITECTURE.md: "projections follow the log
into read tables that the public and audit endpoints read").

- ``projections.view``: ``open_view(app)`` -> the finance view (a TrackingRecorder).
- ``projections.worker``: ``catch_up(app)``, ``rebuild(app)``, ``start_in_process(app)``,
  ``run(settings, stop)``, ``ProjectionPoller``.
- ``projections.queries``: public read models (and the audit ones re-exported).
- ``projections.handlers``: the dispatch table, one handler per statement type.
"""
