"""MyOpenIP terminal shell: the App, the CLI entry point, settings, the palette; the toolkit
below the screens is tui/toolkit."""

__version__ = "0.1.0"
