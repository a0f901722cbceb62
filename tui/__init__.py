"""MyOpenIP terminal shell: the App, the CLI entry point, settings, widgets and styles."""

__version__ = "0.1.0"
