"""The web dashboard: static pages over the REST API, served by the same app (``eventwire serve``)."""
