"""The header of every screen: the icon, then "MyOpenIP — <the screen>" in the middle.

It looks like Textual's Header (the same cells and colours) but is one widget that draws its
line itself. Textual's is four (icon, title, clock space and itself) whose title is laid out
again each time one of the four titles it watches is set: on every screen opened, five layouts
of the screen and four more widgets to style (bench: a list's opening). A click on the icon
opens the command palette, as in Textual's.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "⭘"
ICON_WIDTH = 8  # Textual's HeaderIcon: 8 cells, the icon after one of padding
RIGHT_WIDTH = 10  # Textual's HeaderClockSpace: kept empty, so the title stays centred


class AppHeader(Widget, can_focus=False):
    ALLOW_SELECT = False
    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._titles_changed, init=False)
            self.watch(node, "sub_title", self._titles_changed, init=False)

    def _titles_changed(self) -> None:
        self.refresh()  # one line, no layout: its size never changes

    def title_text(self) -> str:
        """What the title reads, as drawn (without the icon)."""
        return self._title().plain

    def _title(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        middle = max(0, width - ICON_WIDTH - RIGHT_WIDTH)
        title = self._title().truncate(middle, ellipsis=True)
        left = (middle - title.cell_length) // 2
        line = Content.assemble(
            f" {ICON}".ljust(ICON_WIDTH),
            title.pad(left, middle - title.cell_length - left),
            " " * RIGHT_WIDTH,
        )
        return line.truncate(width)

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            await self.run_action("app.command_palette")
