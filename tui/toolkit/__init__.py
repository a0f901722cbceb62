"""The toolkit below screens/: widgets, dialogs, the form screen and the database worker mix-in.

It imports db/ and Textual, never screens/ nor the app shell (tui/*.py): tests/unit/test_import_graph.py.
"""
