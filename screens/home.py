"""The main screen: the guide's menu tree (Entreprises › GESTION DES ENTREPRISES › Prospects, ...)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static, Tree

from db.core import visible
from tui.toolkit.host import host, signed_in
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader


class HomeScreen(Screen):
    """The menu tree of `places` (what this user may open: key, label, menu, group), in the
    order of `menus`; the app shell builds both from its table of places (tui/places.py).
    Ctrl+L Déconnexion is the app's (tui/app.py): it works from every screen."""

    def __init__(self, places, menus) -> None:
        super().__init__()
        self._places = list(places)
        self._menus = tuple(menus)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal():
            yield Tree("MyOpenIP", id="menu")
            with Vertical(id="home-panel"):
                yield Static(id="home-welcome")
                yield Static(
                    "Entrée : ouvrir  ·  Ctrl+P : aller à un écran, un prospect, un devis…  ·  "
                    "F1 : touches de l'écran  ·  Échap : retour",
                    id="home-help",
                )
        yield AppFooter()

    def on_mount(self) -> None:
        scope = signed_in(self.app)
        portal = "MB / Opérateur" if scope.is_operator else "Revendeur"
        self.sub_title = visible(f"{scope.login} · {portal}")
        self.query_one("#home-welcome", Static).update(
            f"Bienvenue [b]{plain(scope.login)}[/b] — portail {portal}.\n\n"
            "Transformer un prospect en client :\n"
            "  A/ Entreprises › GESTION DES ENTREPRISES › Prospects › Reprendre\n"
            "  B/ E-boutique › Mes devis › N° de devis › Créer le compte client"
        )
        tree = self.query_one(Tree)
        tree.show_root = False
        for menu in self._menus:
            entries = [p for p in self._places if p.menu == menu]
            if not entries:
                continue
            node = tree.root.add(menu, expand=True)
            groups: dict[str, object] = {}
            for entry in entries:
                parent = node
                if entry.group:
                    if entry.group not in groups:
                        groups[entry.group] = node.add(entry.group, expand=True)
                    parent = groups[entry.group]
                parent.add_leaf(entry.label, data=entry.key)
        tree.focus()
        self.call_after_refresh(self._cursor_on_first_entry)

    def _cursor_on_first_entry(self) -> None:
        """Put the cursor on Prospects (workflow A's entry), else the first screen entry,
        so Enter opens something straight away."""
        tree = self.query_one(Tree)
        entries = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
        entries = [node for node in entries if node is not None and node.data]
        start = next((node for node in entries if node.data == "prospects"), None)
        if start or entries:
            tree.move_cursor(start or entries[0])

    @on(Tree.NodeSelected)
    def _open(self, event: Tree.NodeSelected) -> None:
        if event.node.data:
            host(self.app).open_place(event.node.data)
