"""Local emulators of the services zotbridge talks to, for tests, demos and trying it safely.

They serve real HTTP on 127.0.0.1 and are driven by the real client libraries (``arxiv``,
``pyzotero``); they are built from the real servers' behaviour (sources in docs/sandbox.md) and
are strict, and odd, where the real servers are.
"""
