"""`eventwire watch`: poll a list of feeds and section pages, ingest only new items, keep state in the store."""
