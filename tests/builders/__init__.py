"""The one place that builds test communities, in domain terms.

- ``community``: ``Community.open(app)`` (新竹社区: keys, funds, accounts), with
  ``governance=True`` and a ``Clock`` for the supervisors' and intake keys; steps
  ``grant``, ``spend``, ``pay``, ``receive``, ``set_policy``, ``resolve``,
  ``register_shop``, ``noticed_lease``, ``catalogue``, ``new_key``; ``refused``.
- ``books``: a year of books recorded on a ``Community``, every statement kept.
- ``story``: generated operations turned into valid statements on a ``Community``.
- ``refusals``: ``LogView`` and ``assert_refused`` (a refusal changes nothing).
- ``tamper``: every raw-SQL write behind the application's back.
- ``server``, ``http``: a real uvicorn, sign-in headers, problems, ``Steps`` over HTTP.
- ``cli``: the real command line in-process, and a community kept from it.
- ``site``, ``governance_site``: the served sites of the browser tests.
"""
